#!/usr/bin/env bash
# Small-file benchmark (issue 12's bar: 1,000 files of 64 KiB, replication 3, at least 200 files/s
# for `put` of the folder and for `ckpt save`), on a local cluster of 3 DataNodes on this disk.
# Each round runs, against the same cluster: `ckptfs put --parallel P DIR /small/N` and
# `ckptfs ckpt save /jobs/small N DIR --parallel P`; rounds alternate which goes first, and the
# median and range of each are printed with the CPU seconds per 1,000 files over all CkptFS
# processes (NameNode + DataNodes + the client).
# Usage: scripts/bench-small.sh [FILES=1000] [SIZE=64K] [PARALLEL=8] [ROUNDS=3] [WORKDIR=$(mktemp -d)]
#   scripts/bench-small.sh --smoke    (100 files, 1 round: the CI run; fails on any error)
# On a shared machine run it under `flock /tmp/ckptfs-bench.lock scripts/bench-small.sh`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${1:-}" == "--smoke" ]]; then set -- 100 64K 8 1; fi
files="${1:-1000}"
size="${2:-64K}"
parallel="${3:-8}"
rounds="${4:-3}"
work="${5:-$(mktemp -d -t ckptfs-bench-small-XXXXXX)}"
mkdir -p "$work/files"

./ckptfs --version >/dev/null
cleanup() { ./ckptfs cluster stop --dir "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(df -h "$work" | awk 'NR==2 {print $1}') ($(stat -f -c %T "$work")); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "files: $files x $size, replication 3, --parallel $parallel, $rounds round(s)"
bytes=$(numfmt --from=iec "$size")
for ((i = 0; i < files; i++)); do head -c "$bytes" /dev/urandom >"$work/files/f-$(printf %05d "$i").bin"; done

./ckptfs cluster start --dir "$work/cluster" --datanodes 3 >/dev/null
export CKPTFS_NAMENODE="$(grep -o '"address": "[^"]*"' "$work/cluster/cluster.json" | head -1 | cut -d'"' -f4)"
# A first put warms the DataNodes' and NameNode's code paths (JIT tiers) before anything is timed.
./ckptfs put -q "$work/files/f-00000.bin" /warm.bin

# shellcheck source=lib/cluster-ticks.sh
. "$root/scripts/lib/cluster-ticks.sh"
ticks() { cluster_ticks "$work/cluster"; }
# One timed command: prints "FILES_PER_SECOND CPU_SECONDS_PER_1000_FILES".
measure() {
  local before start end after
  before=$(ticks); start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N); after=$(ticks)
  awk -v n="$files" -v s="$start" -v e="$end" -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.1f %.2f\n", n / (e - s), t / hz / n * 1000 }'
}
summary() {  # NAME VALUES... (pairs "rate cpu"): median and range of the rate, median CPU
  local name=$1; shift
  local rates cpus
  rates=$(printf '%s\n' "$@" | awk '{print $1}' | sort -g | tr '\n' ' ')
  cpus=$(printf '%s\n' "$@" | awk '{print $2}' | sort -g | tr '\n' ' ')
  awk -v name="$name" -v r="$rates" -v c="$cpus" 'BEGIN { n = split(r, rs, " "); split(c, cs, " "); m = int((n + 1) / 2)
    printf "%-10s %7.1f files/s (median; %.1f-%.1f), %.2f CPU-s per 1,000 files (median)\n", name, rs[m], rs[1], rs[n], cs[m] }'
}

put_results=(); save_results=()
for ((round = 1; round <= rounds; round++)); do
  run_put() { put_results+=("$(measure ./ckptfs put -q --parallel "$parallel" "$work/files" "/small/round-$round")"); }
  run_save() { save_results+=("$(measure ./ckptfs ckpt save -q --parallel "$parallel" /jobs/small "$round" "$work/files")"); }
  if ((round % 2)); then run_put; run_save; else run_save; run_put; fi
  echo "round $round: put ${put_results[-1]}  ckpt save ${save_results[-1]}  (files/s, CPU-s per 1,000 files)"
done
summary "put" "${put_results[@]}"
summary "ckpt save" "${save_results[@]}"

# Nothing lost: every file of the last round is there, closed, with its size.
listed=$(./ckptfs ls "/small/round-$rounds" | grep -c "f-.*\.bin" || true)
[[ "$listed" == "$files" ]] || { echo "expected $files files in /small/round-$rounds, found $listed" >&2; exit 1; }
./ckptfs fsck / >/dev/null
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
