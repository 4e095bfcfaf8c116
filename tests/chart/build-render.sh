#!/usr/bin/env bash
# Builds tests/chart/render into DIR/render from Debian's Go packages, in
# GOPATH mode, without downloading modules: golang-go,
# golang-github-masterminds-sprig-dev and golang-k8s-sigs-yaml-dev
# (deploy/local/install-deps.sh installs them).
#
# Usage: tests/chart/build-render.sh DIR
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?usage: build-render.sh DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
# Import paths with a major version (sprig/v3, semver/v3) name folders that
# Debian's GOPATH lays out without it.
gopath="$out/gopath"
for module in sprig semver; do
  mkdir -p "$gopath/src/github.com/Masterminds/$module"
  ln -sfn "/usr/share/gocode/src/github.com/Masterminds/$module" \
    "$gopath/src/github.com/Masterminds/$module/v3"
done
cd "$ROOT"
GO111MODULE=off GOFLAGS='' GOPROXY=off GOPATH="$gopath:/usr/share/gocode" \
  GOCACHE="$out/go-cache" go build -o "$out/render" ./tests/chart/render
