#!/usr/bin/env bash
# NameNode restart benchmark: a local cluster of 3 DataNodes holding FILES small files (one block
# each, replication 3), then kill -9 of the NameNode and a restart on the same folder and port:
# how long until it listens (namespace and block map loaded from RocksDB) and until it leaves safe
# mode by itself (enough blocks reported by the DataNodes' re-registration and full reports).
# Usage: scripts/bench-restart.sh [FILES=10000] [WORKDIR=$(mktemp -d)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
files="${1:-10000}"
work="${2:-$(mktemp -d -t ckptfs-restart-XXXXXX)}"
mkdir -p "$work"
restarted=""

./ckptfs --version >/dev/null
cleanup() {
  if [[ -n "$restarted" ]]; then kill -9 "$restarted" 2>/dev/null || true; wait "$restarted" 2>/dev/null || true; fi
  ./ckptfs cluster stop --dir "$work/cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
seconds() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $files files of 4 KiB, replication 3"
# 8 folders uploaded by 8 concurrent puts: small files are bound by per-file round trips, not bytes.
parallel=8
for p in $(seq 0 $((parallel - 1))); do
  mkdir -p "$work/local/p$p"
  head -c $((files / parallel * 4096)) /dev/urandom | (cd "$work/local/p$p" && split -a 6 -d -b 4096 - f)
done

./ckptfs cluster start --dir "$work/cluster" --datanodes 3 >/dev/null
state="$work/cluster/cluster.json"
export CKPTFS_NAMENODE="$(grep -o '"address": "[^"]*"' "$state" | head -1 | cut -d'"' -f4)"
start=$(date +%s.%N)
for p in $(seq 0 $((parallel - 1))); do ./ckptfs put -q "$work/local/p$p" "/restart/p$p" >/dev/null & done
wait
echo "put of $files files ($parallel puts at once): $(seconds "$start") s"

nn_pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nameNode"]["pid"])' "$state")
nn_data=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nameNode"]["dataDirectory"])' "$state")
kill -9 "$nn_pid"
while kill -0 "$nn_pid" 2>/dev/null; do sleep 0.05; done

start=$(date +%s.%N)
./ckptfs namenode --data "$nn_data" --port "${CKPTFS_NAMENODE##*:}" --http-port 0 >"$work/namenode.log" 2>&1 &
restarted=$!
for _ in $(seq 1 1200); do grep -q "NameNode listening" "$work/namenode.log" && break; sleep 0.05; done
listening=$(seconds "$start")
for _ in $(seq 1 1200); do
  if ./ckptfs report --json 2>/dev/null | grep -q '"safeMode": false'; then break; fi
  sleep 0.1
done
out_of_safe_mode=$(seconds "$start")
blocks=$(./ckptfs report --json | grep -o '"totalBlocks": [0-9]*' | grep -o '[0-9]*$')
echo "restart with $files files ($blocks blocks): listening after ${listening} s, out of safe mode after ${out_of_safe_mode} s"
