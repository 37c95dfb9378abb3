#!/usr/bin/env bash
# Data path benchmark: a local cluster of 3 DataNodes on this machine's disk, then in one run
#   raw:   sequential write with fsync (dd conv=fsync) and read (dd) of SIZE on the same filesystem;
#   ckptfs: write and read of one SIZE file with replication 1 and 3 (every byte verified on read);
# and the ratios against the bar (r=1: write >= 70% raw, read >= 70% raw; r=3: write >= 60% of raw/3),
# the client's peak RSS and each DataNode's peak RSS. The page cache is dropped before every read when
# this runs as root, so reads come from the disk as the raw read does. A virtual disk's cold reads
# swing widely from one run to the next, so reads alternate raw and CkptFS three times and the
# medians are compared.
# Usage: scripts/bench-data.sh [SIZE=4G] [WORKDIR=$(mktemp -d)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:-4G}"
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
raw_read_once() { drop_caches; local start=$(date +%s.%N); dd if="$work/raw" of=/dev/null bs=4M status=none; rate "$bytes" "$(seconds "$start")"; }

start=$(date +%s.%N); dd if=/dev/zero of="$work/raw" bs=4M count=$((mib / 4)) conv=fsync status=none; raw_write=$(rate "$bytes" "$(seconds "$start")")
echo "raw   : write+fsync ${raw_write} MiB/s"

./ckptfs cluster start --dir "$work/cluster" --datanodes 3 >/dev/null
# The NameNode is the first "address" in cluster.json.
export CKPTFS_NAMENODE="$(grep -o '"address": "[^"]*"' "$work/cluster/cluster.json" | head -1 | cut -d'"' -f4)"

for replication in 1 3; do
  out=$(./ckptfs bench data --size "$size" -r "$replication" --phase write --path "/bench/r$replication")
  write=$(awk '/^write/ {print $2}' <<<"$out"); write_rss=$(awk '/peak RSS/ {print $4}' <<<"$out")
  raws=(); reads=()
  for _ in 1 2 3; do
    raws+=("$(raw_read_once)")
    drop_caches
    out=$(./ckptfs bench data --phase read --path "/bench/r$replication")
    reads+=("$(awk '/^read/ {print $2}' <<<"$out")"); read_rss=$(awk '/peak RSS/ {print $4}' <<<"$out")
  done
  raw_read=$(median "${raws[@]}"); read=$(median "${reads[@]}")
  echo "raw   : read ${raws[*]} MiB/s (median ${raw_read}); ckptfs r=$replication read ${reads[*]} MiB/s (median ${read})"
  ./ckptfs rm "/bench/r$replication"
  if [[ $replication == 1 ]]; then
    wbar=$(awk -v w="$write" -v r="$raw_write" 'BEGIN { printf "%.0f%% of raw write (bar 70%%)", 100 * w / r }')
  else
    wbar=$(awk -v w="$write" -v r="$raw_write" 'BEGIN { printf "%.0f%% of raw write / 3 (bar 60%%)", 100 * w / (r / 3) }')
  fi
  rbar=$(awk -v x="$read" -v r="$raw_read" 'BEGIN { printf "%.0f%% of raw read (bar 70%%)", 100 * x / r }')
  echo "ckptfs r=$replication: write ${write} MiB/s = ${wbar}; read ${read} MiB/s = ${rbar}; client peak RSS ${write_rss}/${read_rss} MiB (write/read)"
done
rm -f "$work/raw"
grep -o '"pid": [0-9]*' "$work/cluster/cluster.json" | awk '{print $2}' | while read -r pid; do
  [[ -r /proc/$pid/status ]] && printf 'pid %s (%s): peak RSS %s MiB\n' "$pid" "$(tr '\0' ' ' </proc/$pid/cmdline | awk '{print $3}')" "$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$pid/status)"
done
