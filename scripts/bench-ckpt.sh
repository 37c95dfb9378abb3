#!/usr/bin/env bash
# Checkpoint benchmark on a local cluster of 3 DataNodes (replication 3, all on this machine's disk):
#   1. commit overhead: a checkpoint of SHARDS × SHARD_SIZE written by PROCS processes at once, each
#      `ckptfs ckpt put-shard` of its shards (CRC32C while streaming, a shard record each), then one
#      `ckptfs ckpt commit --expect SHARDS`; against PROCS processes `ckptfs put` of the same files.
#      Rounds alternate which goes first; medians are compared. Bar: overhead under 5%.
#   2. async save: `ckptfs bench ckpt`, the same checkpoint from memory saved synchronously, then with
#      AsyncCheckpointSaver: the training loop's stall (the copy) against the full save.
# Usage: scripts/bench-ckpt.sh [SHARD_SIZE=512M] [SHARDS=8] [PROCS=4] [ROUNDS=3] [WORKDIR=$(mktemp -d)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
shard_size="${1:-512M}"
shards="${2:-8}"
procs="${3:-4}"
rounds="${4:-3}"
work="${5:-$(mktemp -d -t ckptfs-bench-ckpt-XXXXXX)}"
mkdir -p "$work/shards"
shard_bytes=$(numfmt --from=iec "$shard_size")
total=$((shard_bytes * shards))

./ckptfs --version >/dev/null
cleanup() { ./ckptfs cluster stop --dir "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

seconds() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }'; }
rate() { awk -v b="$total" -v s="$1" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(df -h "$work" | awk 'NR==2 {print $1}'); checkpoint: $shards shards × $shard_size = $(numfmt --to=iec "$total") from $procs processes, replication 3"
for ((i = 0; i < shards; i++)); do
  head -c "$shard_bytes" /dev/urandom >"$work/shards/rank-$i.bin"
done
cat "$work"/shards/* >/dev/null   # in the page cache: both sides read them from memory

./ckptfs cluster start --dir "$work/cluster" --datanodes 3 >/dev/null
export CKPTFS_NAMENODE="$(grep -o '"address": "[^"]*"' "$work/cluster/cluster.json" | head -1 | cut -d'"' -f4)"
./ckptfs mkdir -p /bench/ckpt
./ckptfs ckpt retain /bench/ckpt --keep-last 1 >/dev/null   # keeps the disk from filling up over the rounds

# The files of process p: every procs-th shard starting at p.
files_of() { local p=$1; for ((i = p; i < shards; i += procs)); do printf '%s ' "$work/shards/rank-$i.bin"; done; }

# Before each timed run: the previous run's writes reach the disk and its deleted replicas are gone,
# so that neither side pays for the other's writeback.
quiesce() { sync; sleep 10; sync; }

run_put() {
  local round=$1 start pids=()
  ./ckptfs mkdir -p "/bench/put-$round"
  quiesce
  start=$(date +%s.%N)
  for ((p = 0; p < procs; p++)); do
    # shellcheck disable=SC2046
    ./ckptfs put -q $(files_of "$p") "/bench/put-$round/" 2>/dev/null & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  seconds "$start"
}

run_ckpt() {
  local round=$1 start commit_start pids=()
  quiesce
  start=$(date +%s.%N)
  for ((p = 0; p < procs; p++)); do
    # shellcheck disable=SC2046
    ./ckptfs ckpt put-shard -q /bench/ckpt "$round" $(files_of "$p") >/dev/null & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  commit_start=$(date +%s.%N)
  ./ckptfs ckpt commit /bench/ckpt "$round" --expect "$shards" >/dev/null
  echo "$(seconds "$start") $(seconds "$commit_start")"
}

puts=(); ckpts=(); commits=()
for ((round = 1; round <= rounds; round++)); do
  if ((round % 2 == 1)); then
    put=$(run_put "$round"); read -r ckpt commit < <(run_ckpt "$round")
  else
    read -r ckpt commit < <(run_ckpt "$round"); put=$(run_put "$round")
  fi
  ./ckptfs rm -r "/bench/put-$round"
  puts+=("$put"); ckpts+=("$ckpt"); commits+=("$commit")
  echo "round $round: put ${put} s ($(rate "$put") MiB/s); ckpt put-shard + commit ${ckpt} s ($(rate "$ckpt") MiB/s), of which the commit process ${commit} s; load $(cut -d' ' -f1 /proc/loadavg)"
done
put=$(median "${puts[@]}"); ckpt=$(median "${ckpts[@]}"); commit=$(median "${commits[@]}")
awk -v p="$put" -v c="$ckpt" -v m="$commit" 'BEGIN {
  printf "median: put %.3f s, checkpoint save %.3f s (commit process %.3f s): overhead %+.1f%% (bar: under 5%%)\n", p, c, m, 100 * (c - p) / p }'

./ckptfs ckpt ls /bench/ckpt | head -3
./ckptfs rm -r /bench
quiesce
./ckptfs bench ckpt --shards "$shards" --shard-size "$shard_size" --parallel "$procs"
