#!/usr/bin/env bash
# Checks the protos in the work tree for changes that break clients of what
# is on another branch (default: main), with buf's FILE rules (buf.yaml).
#
# Usage: deploy/local/buf-breaking.sh [REF]
#
# Run it before changing a message or service that has been released. It is
# not part of tests/run.sh: an intended break is a decision, not a failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ref="${1:-main}"
buf="$ROOT/node_modules/.bin/buf"
[[ -x $buf ]] || bash "$ROOT/deploy/local/install-deps.sh"

git rev-parse --verify --quiet "$ref^{commit}" >/dev/null ||
  { echo "buf-breaking: no such ref '$ref'" >&2; exit 2; }

if git cat-file -e "$ref:buf.yaml" 2>/dev/null; then
  if git show-ref --verify --quiet "refs/heads/$ref"; then
    against=".git#branch=$ref"
  else
    against=".git#ref=$ref"
  fi
  echo "buf breaking --against '$against'"
  exec "$buf" breaking --against "$against"
fi

# A revision from before buf.yaml sat at the root: export it and give it
# today's workspace layout, so that its import paths match ours.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git archive "$ref" proto | tar -x -C "$tmp"
rm -f "$tmp/proto/buf.yaml"
cp buf.yaml "$tmp/"
mkdir -p "$tmp/third_party"
cp -P third_party/googleapis "$tmp/third_party/"
echo "buf breaking --against $ref (exported; it predates the root buf.yaml)"
"$buf" breaking --against "$tmp"
