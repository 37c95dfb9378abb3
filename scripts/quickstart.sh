#!/usr/bin/env bash
# The README's first command: on a fresh machine, installs what is missing, builds, starts a local
# NameNode, creates and lists a small checkpoint-shaped namespace, restarts the NameNode to show
# that the namespace is durable, and stops it. Everything lives under a temp folder removed at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Installing missing packages and building (first run only)"
scripts/setup.sh
./ckptfs --version >/dev/null

work="$(mktemp -d -t ckptfs-quickstart-XXXXXX)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

start_namenode() {
  ./ckptfs namenode --data "$work/namenode" --port 0 --http-port 0 >"$work/namenode.out" 2>"$work/namenode.log" &
  pid=$!
  for _ in $(seq 1 300); do
    grep -q "NameNode listening" "$work/namenode.out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/namenode.log" >&2; exit 1; }
    sleep 0.1
  done
  line="$(grep "NameNode listening" "$work/namenode.out")" || { echo "NameNode did not start" >&2; exit 1; }
  export CKPTFS_NAMENODE="$(sed -E 's/.*rpc=([^ ]+).*/\1/' <<<"$line")"
  echo "$line (pid $pid, metadata in $work/namenode)"
}

say "Starting a NameNode"
start_namenode

say "Creating a namespace: ckptfs mkdir -p / touch / mv"
./ckptfs mkdir -p /jobs/llama-7b/step-000100 /jobs/llama-7b/step-000200 /datasets
./ckptfs touch /jobs/llama-7b/step-000100/model-00001-of-00002.safetensors /jobs/llama-7b/step-000100/model-00002-of-00002.safetensors
./ckptfs mv /jobs/llama-7b/step-000200 /jobs/llama-7b/step-000300
./ckptfs ls -R /

say "Restarting the NameNode (kill -9): the namespace comes back from RocksDB"
./ckptfs ls -R --json / >"$work/before.json"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
start_namenode
./ckptfs ls -R --json / >"$work/after.json"
if cmp -s "$work/before.json" "$work/after.json"; then
  echo "identical after restart: $(grep -c '"path"' "$work/after.json") entries"
else
  echo "namespace differs after restart" >&2; diff "$work/before.json" "$work/after.json" >&2; exit 1
fi
./ckptfs stat /jobs/llama-7b/step-000100/model-00001-of-00002.safetensors
./ckptfs du -s -h /jobs

say "Stopping the NameNode"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
echo "done."
