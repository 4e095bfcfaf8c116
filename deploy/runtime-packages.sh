#!/usr/bin/env bash
# Prints the Debian packages that provide the shared libraries the given
# binaries load, one per line: what a runtime image must install.
#
# Usage: deploy/runtime-packages.sh BINARY...
set -euo pipefail

(($#)) || { echo "usage: $0 BINARY..." >&2; exit 2; }

for binary in "$@"; do
  ldd "$binary"
done | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
  while read -r lib; do
    real="$(readlink -f "$lib")"
    # Debian's merged /usr: dpkg may know a file under /lib or /usr/lib.
    for candidate in "$lib" "$real" "/usr$lib" "/usr$real" "${lib#/usr}" \
        "${real#/usr}"; do
      if owner="$(dpkg -S "$candidate" 2>/dev/null)"; then
        owner="${owner%%: *}"
        echo "${owner%%:*}"
        continue 2
      fi
    done
    echo "runtime-packages.sh: no package provides $lib" >&2
    exit 1
  done | sort -u
