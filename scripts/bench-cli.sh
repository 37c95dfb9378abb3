#!/usr/bin/env bash
# CLI start-up benchmark: wall time of `ckptfs stat /` against a running NameNode (local cluster,
# 1 DataNode), side by side in one run:
#   r2r:    `dotnet ckptfs.dll stat /`, the ReadyToRun build the wrapper ran for every command before
#           the Native AOT fast path (and still runs for the servers, cluster, mount, data path, bench);
#   native: `./ckptfs stat /`, the wrapper as users call it (its staleness `find` included), which
#           runs ckptfs-native.
# Each: N sequential calls (median and range), then C calls started at once (wall time of the batch
# and median/max per call). Prints the machine and its load average before and after: colleagues'
# work on a shared machine inflates every figure, so run it under `flock /tmp/ckptfs-bench.lock`.
# Usage: scripts/bench-cli.sh [--smoke] [SEQUENTIAL=20] [CONCURRENT=50]
#   --smoke: 3 sequential and 5 concurrent calls, and it fails unless every call printed the root
#   (CI: proves the fast path and the script still work; the figures mean nothing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
smoke=false
if [[ "${1:-}" == "--smoke" ]]; then smoke=true; shift; fi
sequential="${1:-20}"
concurrent="${2:-50}"
$smoke && sequential=3 && concurrent=5
work="$(mktemp -d -t ckptfs-bench-cli-XXXXXX)"

./ckptfs --version >/dev/null   # builds both CLI builds when sources changed
dll="$root/artifacts/publish/CkptFS.Cli/release_linux-x64/ckptfs.dll"
native="$root/artifacts/publish/CkptFS.Cli.Native/release_linux-x64/ckptfs-native"
[[ -x "$native" ]] || { echo "bench-cli: no ckptfs-native (see artifacts/.cli-native-build.log)" >&2; exit 1; }
cleanup() { ./ckptfs cluster stop --dir "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

./ckptfs cluster start --dir "$work/cluster" --datanodes 1 >/dev/null
# The NameNode is the first "address" in cluster.json.
export CKPTFS_NAMENODE="$(grep -o '"address": "[^"]*"' "$work/cluster/cluster.json" | head -1 | cut -d'"' -f4)"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg) (before)"

now() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) / 1e6 }'; }
# Median, min and max of the numbers given, one line.
summary() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median %.0f ms, range %d-%d ms", m, v[1], v[NR] }'; }

# One timed call; its output goes to $work/out.<label>.<i> for the check below.
call() {
  local label=$1 i=$2 start
  shift 2
  start=$(now)
  "$@" stat / >"$work/out.$label.$i" 2>&1 || echo "exit $?" >>"$work/out.$label.$i"
  echo "$(ms "$start" "$(now)")" >"$work/ms.$label.$i"
}

run() {
  local label=$1 i start
  shift
  for ((i = 0; i < sequential; i++)); do call "$label" "seq$i" "$@"; done
  local times=()
  for ((i = 0; i < sequential; i++)); do times+=("$(cat "$work/ms.$label.seq$i")"); done
  echo "$label: $sequential sequential: $(summary "${times[@]}")"
  start=$(now)
  for ((i = 0; i < concurrent; i++)); do call "$label" "par$i" "$@" & done
  wait
  local batch; batch=$(ms "$start" "$(now)")
  times=()
  for ((i = 0; i < concurrent; i++)); do times+=("$(cat "$work/ms.$label.par$i")"); done
  echo "$label: $concurrent concurrent: all done in ${batch} ms; per call $(summary "${times[@]}")"
}

run r2r dotnet "$dll"
run native ./ckptfs
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) (after)"

# Every call must have printed the root's attributes (a failing call would be fast and flatter).
bad=0
for out in "$work"/out.*; do
  grep -q '^  Path: /$' "$out" || { echo "bench-cli: $(basename "$out"): $(head -c 300 "$out")" >&2; bad=1; }
done
exit $bad
