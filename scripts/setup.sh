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
# podman, runc, debootstrap and the CNI dnsname plugin (container names resolve on a podman
# network; a recommendation of podman, so not always installed): the deployment's image test builds the image on a base made from
# Debian's archive and runs it (podman runs containers with runc here: crun fails to set rlimits).
# catatonit: the init of a pod's infra container; `podman kube play` builds its pause image from it
# ("finding pause binary: catatonit" without it), and the podman cluster test plays pods.
# clang and zlib1g-dev: Native AOT links the CLI's fast path (ckptfs-native) with clang against zlib.
# kubectl renders the kustomize manifests; Debian has no kubectl package, Google's Cloud SDK apt
# repository does (packages.cloud.google.com): it is installed when an apt source offers it, else
# the render tests skip and say why.
# openssl: scripts/make-certs.sh makes the CA and node certificates of `cluster start --tls`.
# chromium and fonts-dejavu-core: the headless browser the web UI's tests drive with Playwright for
# .NET (Playwright's own browser download needs the internet; Debian's chromium does not).
packages=(python3-grpcio python3-grpc-tools python3-protobuf fuse3 rsync python3-torch python3-numpy podman runc catatonit debootstrap golang-github-containernetworking-plugin-dnsname clang zlib1g-dev chromium fonts-dejavu-core openssl zsh)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
if ! command -v kubectl >/dev/null 2>&1 && apt-cache policy kubectl 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  packages+=(kubectl)
fi
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
# The same for the offline Kubernetes schema validator of the deployment's tests (deploy/test).
for node_dir in "$root/tests/interop/node" "$root/deploy/test"; do
  node_stamp="$node_dir/node_modules/.ci-stamp"
  if [[ ! -f "$node_stamp" ]] || [[ "$node_dir/package-lock.json" -nt "$node_stamp" ]] || [[ "$node_dir/package.json" -nt "$node_stamp" ]]; then
    npm ci --prefix "$node_dir" --no-audit --no-fund --loglevel=error >/dev/null   # errors still reach stderr
    touch "$node_stamp"
  fi
done
