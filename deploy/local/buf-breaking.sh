#!/usr/bin/env bash
# Checks the protos in the work tree for changes that break clients of what
# is on another branch (default: main), with buf's FILE rules (buf.yaml).
#
# Usage: deploy/local/buf-breaking.sh [REF]
#
# Run it before changing a message or service that has been released. It is
# not part of tests/run.sh: an intended break is a decision, not a failure.
#
# The revision's protos are exported to a temporary folder beside today's
# vendored third_party/googleapis, so that revisions from before those
# protos were vendored still resolve their google/api imports.
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
# Today's workspace layout (buf.yaml), so that the revision's import paths
# resolve the same way as ours.
rm -f "$tmp/proto/buf.yaml"
cp buf.yaml "$tmp/buf.yaml"
mkdir -p "$tmp/third_party"
cp -R third_party/googleapis "$tmp/third_party/"
# Revisions from before the vendoring kept ErrorInfo in a file of its own,
# which today's error_details.proto defines too.
rm -rf "$tmp/proto/third_party"
echo "buf breaking against $ref ($(git rev-parse --short "$ref"))"
"$buf" breaking --against "$tmp"
