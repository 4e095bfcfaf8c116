#!/usr/bin/env bash
# Checks the protos in the work tree for changes that break clients of what
# is on another branch (default: main), with buf's FILE rules (buf.yaml).
#
# Usage: deploy/local/buf-breaking.sh [REF]
#
# Run it before changing a message or service that has been released. It is
# not part of tests/run.sh: an intended break is a decision, not a failure.
#
# The revision is exported to a temporary folder rather than read as
# '.git#branch=REF', because buf does not follow the third_party/googleapis
# symlink inside a git input and so could not resolve google/api imports.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ref="${1:-main}"
buf="$ROOT/node_modules/.bin/buf"
[[ -x $buf ]] || bash "$ROOT/deploy/local/install-deps.sh"

git rev-parse --verify --quiet "$ref^{commit}" >/dev/null ||
  { echo "buf-breaking: no such ref '$ref'" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git archive "$ref" proto | tar -x -C "$tmp"
if git cat-file -e "$ref:buf.yaml" 2>/dev/null; then
  git show "$ref:buf.yaml" >"$tmp/buf.yaml"
else
  # A revision from before buf.yaml moved to the root: give it today's
  # workspace layout, so that its import paths match ours.
  rm -f "$tmp/proto/buf.yaml"
  cp buf.yaml "$tmp/buf.yaml"
fi
mkdir -p "$tmp/third_party"
cp -P third_party/googleapis "$tmp/third_party/"
echo "buf breaking against $ref ($(git rev-parse --short "$ref"))"
"$buf" breaking --against "$tmp"
