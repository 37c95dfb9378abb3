#!/usr/bin/env bash
# Data path benchmark: a local cluster of 3 DataNodes on this machine's disk, then in one run
#   raw:   sequential write with fsync (dd conv=fsync) and read (dd) of SIZE on the same filesystem;
#   ckptfs: write and read of one SIZE file with replication 1 and 3 (every byte verified on read);
#   restore: `ckptfs ckpt restore` of a checkpoint of 8 shards of SIZE/8 (r=3) into /dev/shm;
# and the ratios against the bars of issue 12 (get >= 0.9 of raw read, r=1 put >= 0.95 of raw write,
# r=3 put >= 0.9 of raw write / 3, restore >= 0.9 of raw read), the CPU seconds per GiB of each phase
# over all CkptFS processes together (NameNode + DataNodes from cluster.json, plus the client),
# the client's peak RSS and each DataNode's peak RSS. The page cache is dropped before every read when
# this runs as root, so reads come from the disk as the raw read does. A virtual disk's cold reads
# swing widely from one run to the next, so reads alternate raw and CkptFS three times and the
# medians are compared.
# Usage: scripts/bench-data.sh [SIZE=2G] [WORKDIR=$(mktemp -d)]; SIZE=64M is a smoke run.
# On a shared machine run it under `flock /tmp/ckptfs-bench.lock scripts/bench-data.sh 2G`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:-2G}"
work="${2:-$(mktemp -d -t ckptfs-bench-XXXXXX)}"
mkdir -p "$work"
bytes=$(numfmt --from=iec "$size")
mib=$((bytes / 1048576))

./ckptfs --version >/dev/null
cleanup() { ./ckptfs cluster stop --dir "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

drop_caches() { sync; [[ -w /proc/sys/vm/drop_caches ]] && echo 3 >/proc/sys/vm/drop_caches || true; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }
seconds() { local start=$1; awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(df -h "$work" | awk 'NR==2 {print $1}') ($(stat -f -c %T "$work")), size $size"

median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
# The raw dd of a phase is not inside the measured window.
# shellcheck source=lib/cluster-ticks.sh
. "$root/scripts/lib/cluster-ticks.sh"
ticks() { cluster_ticks "$work/cluster"; }
cpu_per_gib() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v b="$bytes" 'BEGIN { printf "%.2f", t / hz / (b / 1073741824) }'; }
raw_read_once() { drop_caches; local start=$(date +%s.%N); dd if="$work/raw" of=/dev/null bs=4M status=none; rate "$bytes" "$(seconds "$start")"; }

start=$(date +%s.%N); dd if=/dev/zero of="$work/raw" bs=4M count=$((mib / 4)) conv=fsync status=none; raw_write=$(rate "$bytes" "$(seconds "$start")")
echo "raw   : write+fsync ${raw_write} MiB/s"

./ckptfs cluster start --dir "$work/cluster" --datanodes 3 >/dev/null
# The NameNode is the first "address" in cluster.json.
export CKPTFS_NAMENODE="$(grep -o '"address": "[^"]*"' "$work/cluster/cluster.json" | head -1 | cut -d'"' -f4)"

for replication in 1 3; do
  before=$(ticks)
  out=$(./ckptfs bench data --size "$size" -r "$replication" --phase write --path "/bench/r$replication")
  write_cpu=$(cpu_per_gib $(($(ticks) - before)))
  write=$(awk '/^write/ {print $2}' <<<"$out"); write_rss=$(awk '/peak RSS/ {print $4}' <<<"$out")
  raws=(); reads=(); cpus=()
  for _ in 1 2 3; do
    raws+=("$(raw_read_once)")
    drop_caches
    before=$(ticks)
    out=$(./ckptfs bench data --phase read --path "/bench/r$replication")
    cpus+=("$(cpu_per_gib $(($(ticks) - before)))")
    reads+=("$(awk '/^read/ {print $2}' <<<"$out")"); read_rss=$(awk '/peak RSS/ {print $4}' <<<"$out")
  done
  raw_read=$(median "${raws[@]}"); read=$(median "${reads[@]}"); read_cpu=$(median "${cpus[@]}")
  echo "raw   : read ${raws[*]} MiB/s (median ${raw_read}); ckptfs r=$replication read ${reads[*]} MiB/s (median ${read}); read CPU ${cpus[*]} s/GiB"
  ./ckptfs rm "/bench/r$replication"
  if [[ $replication == 1 ]]; then
    wbar=$(awk -v w="$write" -v r="$raw_write" 'BEGIN { printf "%.2f of raw write (bar 0.95)", w / r }')
  else
    wbar=$(awk -v w="$write" -v r="$raw_write" 'BEGIN { printf "%.2f of raw write / 3 (bar 0.9)", w / (r / 3) }')
  fi
  rbar=$(awk -v x="$read" -v r="$raw_read" 'BEGIN { printf "%.2f of raw read (bar 0.9)", x / r }')
  echo "ckptfs r=$replication: write ${write} MiB/s = ${wbar}, ${write_cpu} CPU-s/GiB; read ${read} MiB/s = ${rbar}, ${read_cpu} CPU-s/GiB (bar 1); client peak RSS ${write_rss}/${read_rss} MiB (write/read)"
done

# Restore: 8 shards written by `ckpt save`, read back by `ckpt restore` (shards in parallel) into
# memory (/dev/shm), so that only the read side touches the disk, as the raw read does.
shard_bytes=$((bytes / 8))
restore_src="$work/shards"; restore_dst="$(mktemp -d -p /dev/shm ckptfs-bench-restore-XXXXXX)"
trap 'cleanup; rm -rf "$restore_dst"' EXIT
mkdir -p "$restore_src"
for i in 0 1 2 3 4 5 6 7; do head -c "$shard_bytes" /dev/zero >"$restore_src/rank-$i.bin"; done
./ckptfs ckpt save -q /bench/job 1 "$restore_src" >/dev/null
rm -rf "$restore_src"
raws=(); restores=(); cpus=()
for _ in 1 2 3; do
  raws+=("$(raw_read_once)")
  rm -rf "${restore_dst:?}"/*; drop_caches
  before=$(ticks); start=$(date +%s.%N)
  ./ckptfs ckpt restore -q -f --parallel 8 /bench/job 1 "$restore_dst" >/dev/null
  restores+=("$(rate $((shard_bytes * 8)) "$(seconds "$start")")"); cpus+=("$(cpu_per_gib $(($(ticks) - before)))")
done
raw_read=$(median "${raws[@]}"); restore=$(median "${restores[@]}"); restore_cpu=$(median "${cpus[@]}")
echo "raw   : read ${raws[*]} MiB/s (median ${raw_read}); ckpt restore of 8 shards ${restores[*]} MiB/s (median ${restore}); CPU ${cpus[*]} s/GiB"
echo "ckptfs restore: ${restore} MiB/s = $(awk -v x="$restore" -v r="$raw_read" 'BEGIN { printf "%.2f", x / r }') of raw read (bar 0.9), ${restore_cpu} CPU-s/GiB (bar 1)"
rm -rf "$restore_dst"
rm -f "$work/raw"
grep -o '"pid": [0-9]*' "$work/cluster/cluster.json" | awk '{print $2}' | while read -r pid; do
  [[ -r /proc/$pid/status ]] && printf 'pid %s (%s): peak RSS %s MiB\n' "$pid" "$(tr '\0' ' ' </proc/$pid/cmdline | awk '{print $3}')" "$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$pid/status)"
done
