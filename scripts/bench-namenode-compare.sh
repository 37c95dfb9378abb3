#!/usr/bin/env bash
# NameNode RPC throughput of this build against another checkout (the previous release), side by
# side in one run: for each round, each build starts its own NameNode on a fresh folder and runs
# `ckptfs bench namenode` against it with its own CLI (the client is part of the stack measured),
# the builds taking turns so that load from elsewhere falls on both alike. Prints every run (calls
# per second, and the CPU each side spent per call over both phases: the NameNode's from /proc,
# the client's from bash's `time`), then the medians and the ratios new/old.
# Usage: scripts/bench-namenode-compare.sh OTHER_CHECKOUT [ROUNDS=3] [CALLERS=16] [SECONDS=10]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
other="$(cd "${1:?usage: $0 OTHER_CHECKOUT [ROUNDS] [CALLERS] [SECONDS]}" && pwd)"
rounds="${2:-3}"
callers="${3:-16}"
seconds="${4:-10}"
work="$(mktemp -d -t ckptfs-bench-nn-XXXXXX)"
nn_pid=""
cleanup() {
  if [[ -n "$nn_pid" ]]; then kill -9 "$nn_pid" 2>/dev/null || true; wait "$nn_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$root/ckptfs" --version >/dev/null
"$other/ckptfs" --version >/dev/null
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $callers callers, $seconds s per phase, $rounds rounds"
echo "new: $root ($(git -C "$root" rev-parse --short HEAD)), old: $other ($(git -C "$other" rev-parse --short HEAD))"

# One run: NameNode from CHECKOUT on a fresh folder, the bench from the same checkout's CLI.
run() {
  local label="$1" checkout="$2" dll
  # Where that checkout's ./ckptfs keeps its build: published ReadyToRun now, a plain build before.
  dll="$(ls "$2/artifacts/publish/CkptFS.Cli/release_linux-x64/ckptfs.dll" "$2/artifacts/bin/CkptFS.Cli/release/ckptfs.dll" 2>/dev/null | head -1)"
  rm -rf "$work/nn" && mkdir -p "$work/nn"
  dotnet "$dll" namenode --data "$work/nn" --port 0 --http-port -1 >"$work/nn.out" 2>"$work/nn.err" &
  nn_pid=$!
  local address=""
  for _ in $(seq 1 300); do
    address="$(sed -n 's/^NameNode listening: rpc=\([^ ]*\).*/\1/p' "$work/nn.out")"
    [[ -n "$address" ]] && break
    sleep 0.1
  done
  [[ -n "$address" ]] || { echo "the $label NameNode did not start:" >&2; cat "$work/nn.err" >&2; exit 1; }
  local output server_before server_after client_cpu
  server_before="$(awk '{print $14 + $15}' "/proc/$nn_pid/stat")"
  TIMEFORMAT='%U %S'
  { time dotnet "$dll" bench namenode --namenode "$address" --callers "$callers" --seconds "$seconds" >"$work/bench.out"; } 2>"$work/bench.time"
  server_after="$(awk '{print $14 + $15}' "/proc/$nn_pid/stat")"
  kill "$nn_pid" && wait "$nn_pid" 2>/dev/null || true
  nn_pid=""
  output="$(cat "$work/bench.out")"
  client_cpu="$(tail -1 "$work/bench.time" | awk '{print $1 + $2}')"
  local mkdir stat calls server_us client_us
  mkdir="$(awk '$1 == "mkdir" {print $2}' <<<"$output")"
  stat="$(awk '$1 == "stat" {print $2}' <<<"$output")"
  calls="$(awk '$1 == "mkdir" || $1 == "stat" {sub(/\(/, "", $4); n += $4} END {print n}' <<<"$output")"
  server_us="$(awk -v t="$(( server_after - server_before ))" -v hz="$(getconf CLK_TCK)" -v n="$calls" 'BEGIN {printf "%.1f", t / hz / n * 1e6}')"
  client_us="$(awk -v c="$client_cpu" -v n="$calls" 'BEGIN {printf "%.1f", c / n * 1e6}')"
  echo "$label $mkdir $stat $server_us $client_us" >>"$work/results"
  printf '%-4s mkdir %8s/s  stat %8s/s  CPU per call: NameNode %6s us, client %6s us\n' "$label" "$mkdir" "$stat" "$server_us" "$client_us"
}

for round in $(seq 1 "$rounds"); do
  echo "round $round"
  run old "$other"
  run new "$root"
done

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
old_mkdir="$(awk '$1 == "old" {print $2}' "$work/results" | median)"
old_stat="$(awk '$1 == "old" {print $3}' "$work/results" | median)"
new_mkdir="$(awk '$1 == "new" {print $2}' "$work/results" | median)"
new_stat="$(awk '$1 == "new" {print $3}' "$work/results" | median)"
old_server="$(awk '$1 == "old" {print $4}' "$work/results" | median)"
old_client="$(awk '$1 == "old" {print $5}' "$work/results" | median)"
new_server="$(awk '$1 == "new" {print $4}' "$work/results" | median)"
new_client="$(awk '$1 == "new" {print $5}' "$work/results" | median)"
echo "medians: old mkdir $old_mkdir/s stat $old_stat/s (CPU/call $old_server + $old_client us); new mkdir $new_mkdir/s stat $new_stat/s (CPU/call $new_server + $new_client us)"
awk -v om="$old_mkdir" -v os="$old_stat" -v nm="$new_mkdir" -v ns="$new_stat" \
  'BEGIN { printf "ratio new/old: mkdir %.2f, stat %.2f\n", nm / om, ns / os }'
