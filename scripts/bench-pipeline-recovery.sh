#!/usr/bin/env bash
# Pipeline recovery benchmark: a local cluster of 4 DataNodes on this machine's disk, then in one run
#   no failure: `ckptfs bench data` writes SIZE with replication 3 (after a warm-up write);
#   failure:    the same write, and a DataNode of the pipeline of the block being written is killed (-9)
#               once about half of SIZE is written (seen on disk); the writer drops it and goes on;
# then the failure run's file is read back and every byte verified, and both write rates are printed
# with the recovery the client logged. Usage: scripts/bench-pipeline-recovery.sh [SIZE=1G] [WORKDIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:-1G}"
work="${2:-$(mktemp -d -t ckptfs-bench-recovery-XXXXXX)}"
mkdir -p "$work"

./ckptfs --version >/dev/null
cleanup() { ./ckptfs cluster stop --dir "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(df -h "$work" | awk 'NR==2 {print $1}') ($(stat -f -c %T "$work")), size $size"

./ckptfs cluster start --dir "$work/cluster" --datanodes 4 >/dev/null
export CKPTFS_NAMENODE="$(grep -o '"address": "[^"]*"' "$work/cluster/cluster.json" | head -1 | cut -d'"' -f4)"

# A warm-up write first: fresh DataNode processes are still JIT-compiling, which would favour the second run.
./ckptfs bench data --size 256M -r 3 --phase write --path /bench/warm-up >/dev/null && ./ckptfs rm /bench/warm-up >/dev/null
./ckptfs bench data --size "$size" -r 3 --phase write --path /bench/no-failure >"$work/base.out" 2>&1 || { cat "$work/base.out" >&2; exit 1; }
./ckptfs rm /bench/no-failure

finalized_ids() { find "$work"/cluster/dn*/current/finalized -name 'blk_*' ! -name '*.meta' -printf '%f\n' 2>/dev/null | sort -u; }
finalized_ids >"$work/before"   # the earlier writes' replicas, maybe not deleted yet
./ckptfs bench data --size "$size" -r 3 --phase write --path /bench/failure >"$work/failure.out" 2>&1 &
writer=$!
victim=""
blocks=$(( $(numfmt --from=iec "$size") / (128 * 1048576) ))
for _ in $(seq 1 2400); do
  # Mid-way and mid-block, seen on disk (a CLI call would take longer than a block): half of the blocks
  # finalized somewhere, and a node holding an rbw replica between 16 and 96 MiB: a pipeline node, now.
  finalized=$(finalized_ids | comm -13 "$work/before" - | wc -l)
  if (( finalized >= blocks / 2 )); then
    rbw=$(find "$work"/cluster/dn*/current/rbw -name 'blk_*' ! -name '*.meta' -size +16M -size -96M 2>/dev/null | head -1)
    if [[ -n "$rbw" ]]; then
      victim=$(basename "$(dirname "$(dirname "$(dirname "$rbw")")")")
      length="$((finalized * 128)) MiB + $(( $(stat -c %s "$rbw") / 1048576 )) MiB"
      break
    fi
  fi
  sleep 0.05
done
[[ -n "$victim" ]] || { echo "the write never reached half of $size" >&2; exit 1; }
pid=$(python3 -c 'import json,sys; print(next(n["pid"] for n in json.load(open(sys.argv[1]))["dataNodes"] if n["name"] == sys.argv[2]))' "$work/cluster/cluster.json" "$victim")
kill -9 "$pid"
echo "killed DataNode $victim (pid $pid) with about $length written"
wait "$writer" || { cat "$work/failure.out" >&2; exit 1; }
verify=$(./ckptfs bench data --phase read --path /bench/failure)

echo "no failure : $(grep '^write' "$work/base.out")"
echo "DN killed  : $(grep '^write' "$work/failure.out")"
echo "read back  : $(grep '^read' <<<"$verify")"
grep -h 'WRN' "$work/failure.out" | sed 's/^/client log: /' || echo "client log: no pipeline recovery (the kill missed the pipeline)"
