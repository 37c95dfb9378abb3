#!/usr/bin/env bash
# Pipeline recovery benchmark: a local cluster of 4 DataNodes on this machine's disk, then in one run
#   no failure: `ckptfs bench data` writes SIZE with replication 3 (after a warm-up write);
#   failure:    the same write, and the middle DataNode of the pipeline of the block being written is
#               killed (-9) once about half of SIZE is written; the writer drops it and goes on;
# then the failure run's file is read back and every byte verified, and both write rates are printed
# with the recovery the client logged. Usage: scripts/bench-pipeline-recovery.sh [SIZE=1G] [WORKDIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:-1G}"
work="${2:-$(mktemp -d -t ckptfs-bench-recovery-XXXXXX)}"
mkdir -p "$work"
half=$(( $(numfmt --from=iec "$size") / 2 ))

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

./ckptfs bench data --size "$size" -r 3 --phase write --path /bench/failure >"$work/failure.out" 2>&1 &
writer=$!
victim=""
for _ in $(seq 1 1200); do
  # Once half is written, the middle node of the last block's pipeline (its locations, in order).
  read -r length victim < <(./ckptfs stat --json /bench/failure 2>/dev/null | python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)
except ValueError:
    sys.exit()
if s["length"] >= int(sys.argv[1]) and s["blocks"] and s["blocks"][-1]["length"] < s["blockSize"]:  # the block being written
    nodes = s["blocks"][-1]["locations"]
    print(s["length"], nodes[len(nodes) // 2]["uuid"])' "$half") || true
  [[ -n "$victim" ]] && break
  sleep 0.2
done
[[ -n "$victim" ]] || { echo "the write never reached $half bytes" >&2; exit 1; }
pid=$(python3 -c 'import json,sys; print(next(n["pid"] for n in json.load(open(sys.argv[1]))["dataNodes"] if n["name"] == sys.argv[2]))' "$work/cluster/cluster.json" "$victim")
kill -9 "$pid"
echo "killed DataNode $victim (pid $pid) at $length bytes written"
wait "$writer" || { cat "$work/failure.out" >&2; exit 1; }
verify=$(./ckptfs bench data --phase read --path /bench/failure)

echo "no failure : $(grep '^write' "$work/base.out")"
echo "DN killed  : $(grep '^write' "$work/failure.out")"
echo "read back  : $(grep '^read' <<<"$verify")"
grep -h 'WRN' "$work/failure.out" | sed 's/^/client log: /' || echo "client log: no pipeline recovery (the kill missed the pipeline)"
