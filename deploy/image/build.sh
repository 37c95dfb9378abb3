#!/usr/bin/env bash
# Builds the CkptFS image: publishes the self-contained `ckptfs` (linux-x64), then builds
# deploy/image/Dockerfile with podman or docker and prints the image's size.
#
#   deploy/image/build.sh [--tag NAME:TAG] [--base IMAGE | --local-base] [--engine podman|docker] [--skip-publish]
#
# --base IMAGE   the base image (default: the Dockerfile's, mcr.microsoft.com/dotnet/runtime-deps:10.0-trixie-slim)
# --local-base   a base made by debootstrap (minbase) from the Debian archive in /etc/apt/sources.list,
#                for machines that reach no image registry. The root filesystem is made once and kept
#                as a tarball in $CKPTFS_IMAGE_CACHE (default /var/cache/ckptfs/image when writable, else
#                ${XDG_CACHE_HOME:-~/.cache}/ckptfs/image), named by a checksum of suite, variant and
#                mirror; the engine's image of it is reused while it exists. Needs root (debootstrap).
# CKPTFS_IMAGE_SUITE (default bookworm) picks the Debian release of the local base.
#
# Podman is run with runc when it is installed, and with nofile at the host's hard limit and nproc
# at most 32768: podman's defaults (1048576 files) fail with "setrlimit RLIMIT_NOFILE: Operation not
# permitted" on hosts whose hard limit is lower, and runc refused nproc=96369 ("error setting rlimit
# type 6") on a host whose hard limit was exactly that, while it took 32768.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

tag="localhost/ckptfs:dev"
base=""
local_base=0
engine=""
publish=1
while (($#)); do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --local-base) local_base=1; shift ;;
    --engine) engine="$2"; shift 2 ;;
    --skip-publish) publish=0; shift ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [[ -z "$engine" ]]; then
  if command -v podman >/dev/null 2>&1; then engine=podman
  elif command -v docker >/dev/null 2>&1; then engine=docker
  else echo "build.sh: neither podman nor docker is installed" >&2; exit 1
  fi
fi
engine_cmd=("$engine")
build_flags=()
if [[ "$engine" == podman ]]; then
  command -v runc >/dev/null 2>&1 && engine_cmd+=(--runtime runc)
  nofile="$(ulimit -Hn)"; [[ "$nofile" == unlimited || "$nofile" -gt 1048576 ]] && nofile=1048576
  nproc="$(ulimit -Hu)"; [[ "$nproc" == unlimited || "$nproc" -gt 32768 ]] && nproc=32768
  build_flags+=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
fi

say() { printf 'build.sh: %s\n' "$*" >&2; }
started=$SECONDS

# 1. The binary. Incremental: a second publish with no change takes seconds.
context="$root/artifacts/deploy/context"
if ((publish)); then
  say "publishing ckptfs (Release, linux-x64, self-contained)"
  rm -rf "$context/publish"
  mkdir -p "$context"
  if ! output="$(dotnet publish "$root/src/CkptFS.Cli/CkptFS.Cli.csproj" -c Release -r linux-x64 --self-contained \
      -p:InvariantGlobalization=true -o "$context/publish" --nologo -v q -clp:ErrorsOnly 2>&1)"; then
    printf '%s\n' "$output" >&2
    say "dotnet publish failed"
    exit 1
  fi
  # RocksDB's musl build serves Alpine only; this image is glibc (Debian).
  rm -f "$context/publish/librocksdb-musl.so"
fi
[[ -x "$context/publish/ckptfs" ]] || { say "no published binary in $context/publish (run without --skip-publish)"; exit 1; }
cp "$root/deploy/image/Dockerfile" "$context/Dockerfile"

# 2. The local base, when asked for: debootstrap once per (suite, variant, mirror), cached.
if ((local_base)); then
  suite="${CKPTFS_IMAGE_SUITE:-bookworm}"
  mirror="$(grep -hoE '^(URIs:|deb) +[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -E 'debian/?$' | grep -v security | head -n1 | awk '{print $NF}' || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  key="$(printf '%s\n' "$suite" minbase "$mirror" | sha256sum | cut -c1-16)"
  cache="${CKPTFS_IMAGE_CACHE:-}"
  if [[ -z "$cache" ]]; then
    if mkdir -p /var/cache/ckptfs/image 2>/dev/null && [[ -w /var/cache/ckptfs/image ]]; then cache=/var/cache/ckptfs/image
    else cache="${XDG_CACHE_HOME:-$HOME/.cache}/ckptfs/image"
    fi
  fi
  mkdir -p "$cache"
  base="localhost/ckptfs-base:$suite-$key"
  tarball="$cache/debian-$suite-minbase-$key.tar"
  if "${engine_cmd[@]}" image inspect "$base" >/dev/null 2>&1; then
    say "local base $base (cached image)"
  else
    if [[ ! -f "$tarball" ]]; then
      command -v debootstrap >/dev/null 2>&1 || { say "--local-base needs debootstrap (apt-get install debootstrap)"; exit 1; }
      say "debootstrap $suite (minbase) from $mirror: once, then cached in $tarball"
      rootfs="$(mktemp -d "$cache/rootfs.XXXXXX")"
      trap 'rm -rf "$rootfs"' EXIT
      debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 \
        || { tail -n 20 "$cache/debootstrap.log" >&2; say "debootstrap failed (log: $cache/debootstrap.log)"; exit 1; }
      rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
      tar -C "$rootfs" --numeric-owner -cf "$tarball.new" .
      mv "$tarball.new" "$tarball"
      rm -rf "$rootfs"
      trap - EXIT
    fi
    say "importing $tarball as $base"
    "${engine_cmd[@]}" import "$tarball" "$base" >/dev/null
  fi
fi

# 3. The image.
version="$(git -C "$root" describe --always --dirty 2>/dev/null || echo dev)"
args=(build "${build_flags[@]}" -t "$tag" --build-arg "CKPTFS_VERSION=$version" -f "$context/Dockerfile")
[[ -n "$base" ]] && args+=(--build-arg "BASE_IMAGE=$base")
say "building $tag${base:+ on $base} with $engine"
if ! output="$("${engine_cmd[@]}" "${args[@]}" "$context" 2>&1)"; then
  printf '%s\n' "$output" >&2
  say "image build failed"
  exit 1
fi
size="$("${engine_cmd[@]}" image inspect "$tag" --format '{{.Size}}')"
say "built $tag in $((SECONDS - started)) s"
printf 'image %s size %s bytes (%s MiB)\n' "$tag" "$size" "$((size / 1048576))"
