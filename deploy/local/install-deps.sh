#!/usr/bin/env bash
# Installs what qpp needs on Debian bookworm: the compiler and libraries to
# build it, MariaDB to run and test it, the tools the tests and lints use, and
# the npm tools pinned in package.json (buf; swagger-parser and redocly for
# the OpenAPI document) into the repository's node_modules.
#
# Usage: deploy/local/install-deps.sh [--build-only]
#   --build-only  only the packages needed to compile (used by the Dockerfile)
#
# Installs only what is missing, so running it again is cheap. Needs root (or
# sudo) the first time; afterwards it changes nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

BUILD_PACKAGES=(
  cmake ninja-build g++ pkg-config git ca-certificates ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libmysqlcppconn-dev prometheus-cpp-dev libcivetweb-dev
  libspdlog-dev libfmt-dev libssl-dev libgtest-dev libgmock-dev
  libbenchmark-dev
  nlohmann-json3-dev  # JSON of log and audit lines
  # Boost.Beast and Boost.Asio (header-only): the gateway's HTTP front.
  libboost-dev
  # google/api/*.proto (HTTP annotations) and grpc/health/v1/health.proto.
  golang-github-grpc-ecosystem-grpc-gateway-dev grpc-proto
)
RUN_PACKAGES=(
  mariadb-server mariadb-client
  prometheus        # promtool, to check the alert rules
  golang-grpc-gateway  # protoc-gen-swagger, for the OpenAPI document
  python3-protobuf  # reads the protos' descriptors for the OpenAPI document
  curl
  openssl           # test certificates for the mTLS end-to-end tests
  python3-grpcio    # the gRPC health probe of deploy/local/grpc_health.py
  clang-format
  shellcheck
  # The chart checks (tests/chart): a helm-compatible renderer built
  # offline from Debian's Go packages, and yamllint.
  golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev
  yamllint
  mariadb-backup    # physical backups (docs/operations.md)
  # The fuzz targets (tests/fuzz): clang with libFuzzer and the sanitizers.
  clang libclang-rt-dev
)

build_only=0
case "${1:-}" in
  --build-only) build_only=1 ;;
  "") ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "install-deps.sh: unknown option $1" >&2; exit 2 ;;
esac

wanted=("${BUILD_PACKAGES[@]}")
if [[ $build_only == 0 ]]; then
  wanted+=("${RUN_PACKAGES[@]}")
  # Node.js may come from elsewhere than Debian (then npm is part of it).
  command -v node >/dev/null 2>&1 || wanted+=(nodejs)
  command -v npm >/dev/null 2>&1 || wanted+=(npm)
fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
      grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || {
      echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi

[[ $build_only == 1 ]] && exit 0

# The npm tools, at the versions pinned in package.json / package-lock.json:
# installed when one is missing or at another version.
stale="$(cd "$ROOT" && node -e '
  const deps = require("./package.json").devDependencies;
  for (const [name, version] of Object.entries(deps)) {
    let have = "";
    try {
      have = require(`./node_modules/${name}/package.json`).version;
    } catch (e) {}
    if (have !== version) console.log(`${name}@${version}`);
  }')"
if [[ -n $stale ]]; then
  echo "install-deps: installing $(echo "$stale" | tr '\n' ' ')into node_modules"
  # npm install, not npm ci: package-lock.json lists only the Linux builds
  # among buf's optional per-platform packages, which npm ci would reject as
  # out of sync. The pinned versions and integrity hashes still hold.
  (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error)
else
  echo "install-deps: npm tools present (buf $("$ROOT/node_modules/.bin/buf" --version))"
fi
# @redocly/cli needs Node.js 20.19 or later (Debian bookworm ships 18).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
              process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "install-deps: Node.js $(node --version) is too old for redocly" \
    "(OpenAPI lint): install Node.js 20.19 or later" >&2
fi
