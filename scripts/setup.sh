#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, run and test CkptFS, then restores NuGet
# packages. Idempotent and quiet when everything is already there (it checks before it installs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# python3-grpcio/-grpc-tools/-protobuf: the real gRPC peer of the interop tests. nodejs/npm: Node's
# @grpc/grpc-js, the other interop peer (only when no node/npm is on PATH already, e.g. a newer Node
# installed another way). RocksDB needs no system package: the NuGet package RocksDB ships it.
# fuse3: the mount (libfuse3.so.3 and fusermount3). rsync, python3-torch and python3-numpy: real
# programs the mount's tests run through it.
packages=(python3-grpcio python3-grpc-tools python3-protobuf fuse3 rsync python3-torch python3-numpy)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is not installed (dotnet not on PATH); install it, then run this again." >&2
  exit 1
fi

# Restore only when a project or the package pins changed since the last restore.
stamp="$root/artifacts/.restore-stamp"
if [[ ! -f "$stamp" ]] || [[ -n "$(find "$root" -path "$root/artifacts" -prune -o \( -name '*.csproj' -o -name 'Directory.*.props' -o -name '*.sln' \) -newer "$stamp" -print -quit)" ]]; then
  mkdir -p "$root/artifacts"
  touch "$stamp.new"
  dotnet restore "$root/CkptFS.sln" -v q --nologo >&2
  mv "$stamp.new" "$stamp"
fi

# The Node interop client's packages, exactly as tests/interop/node/package-lock.json pins them:
# only when node_modules is missing or older than the lock file (npm ci rewrites it whole).
node_dir="$root/tests/interop/node"
node_stamp="$node_dir/node_modules/.ci-stamp"
if [[ ! -f "$node_stamp" ]] || [[ "$node_dir/package-lock.json" -nt "$node_stamp" ]] || [[ "$node_dir/package.json" -nt "$node_stamp" ]]; then
  npm ci --prefix "$node_dir" --no-audit --no-fund --loglevel=error >/dev/null   # errors still reach stderr
  touch "$node_stamp"
fi
