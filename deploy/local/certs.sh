#!/usr/bin/env bash
# Makes the private CA and one certificate per qpp process for mutual TLS
# between the gateway and the services (and between services).
#
# Usage: deploy/local/certs.sh DIR NAME...
#   e.g. deploy/local/certs.sh .run/tls gateway registry training
#
# Writes DIR/ca.crt (and DIR/ca.key, kept to sign later certificates) and,
# for each NAME, DIR/NAME.crt and DIR/NAME.key with subject CN=qpp-NAME and
# the names a caller dials (DNS qpp-NAME, localhost; IP 127.0.0.1), usable
# as server and as client certificate. Existing files are kept, so running
# it again adds only what is missing. Keys are ECDSA P-256, private to the
# owner (0600). Kubernetes takes the same files from Secrets (helm/qpp).
set -euo pipefail

dir="${1:?usage: certs.sh DIR NAME...}"
shift
mkdir -p "$dir"
chmod 700 "$dir"
umask 077

if [[ ! -s $dir/ca.crt || ! -s $dir/ca.key ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 3650 \
    -subj "/O=qpp/CN=qpp private CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  chmod 644 "$dir/ca.crt"
fi

for name in "$@"; do
  [[ -s $dir/$name.crt && -s $dir/$name.key ]] && continue
  ext="$(mktemp)"
  cat >"$ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:qpp-$name,DNS:localhost,IP:127.0.0.1
EXT
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" \
    -subj "/O=qpp/CN=qpp-$name" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" \
    -CAkey "$dir/ca.key" -CAcreateserial -days 825 -sha256 \
    -extfile "$ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$ext"
  chmod 644 "$dir/$name.crt"
done
