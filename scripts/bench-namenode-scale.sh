#!/usr/bin/env bash
# The NameNode at FILES files (issue 12, item 7), side by side with 10,000 files, in one run. For each
# size: build a namespace of empty closed files (TestTool namespace-gen: an in-process NameNode's
# FsNamespace creates and completes them, group-committed, so the RocksDB content is what RPC-made
# files leave), start a NameNode on it and kill -9 it once warm (as a crash would), then time the
# restart on the same folder: until it prints its listening line, and until a mkdir succeeds (loaded
# and out of safe mode). Then its RSS (VmRSS, VmHWM), stat/s of random existing files through the
# SDK (CALLERS concurrent callers, SECONDS s), and the time of a full paged listing of a directory of
# min(FILES, 100,000) entries. Files are empty, so safe mode needs no DataNodes: this measures the
# namespace, not block reports. RSS per million files = (RSS at FILES - RSS at 10,000) scaled.
# Usage: scripts/bench-namenode-scale.sh [FILES=1000000] [SECONDS=10] [CALLERS=32]
# A smoke run (CI): scripts/bench-namenode-scale.sh 20000 2
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
files="${1:-1000000}"
seconds="${2:-10}"
callers="${3:-32}"
small=10000
work="$(mktemp -d -t ckptfs-scale-XXXXXX)"
nn_pid=""
both_pids=""
cleanup() {
  for pid in $nn_pid $both_pids; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$root/ckptfs" --version >/dev/null
cli="$root/artifacts/bin/CkptFS.Cli/release/ckptfs.dll"
tool="$root/artifacts/bin/CkptFS.TestTool/release/CkptFS.TestTool.dll"
dotnet build "$root/tests/CkptFS.TestTool/CkptFS.TestTool.csproj" -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); stat: $callers callers, $seconds s"

now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# start_nn DIR PORT: starts a NameNode in the background (nn_pid); DIR.listen gets the ms until its listening line.
start_nn() {
  local dir="$1" port="$2" started listened
  started="$(now_ms)"
  dotnet "$cli" namenode --data "$dir" --port "$port" --http-port -1 >"$dir.out" 2>"$dir.err" &
  nn_pid=$!
  for _ in $(seq 1 1200); do
    grep -q '^NameNode listening' "$dir.out" && { listened="$(now_ms)"; echo $(( listened - started )) >"$dir.listen"; return 0; }
    kill -0 "$nn_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "the NameNode on $dir did not start:" >&2; cat "$dir.err" >&2; exit 1
}

# measure N: prints "N gen_s listen_s writable_s rss_mib hwm_mib stat/s p50 p99 listed list_s"
measure() {
  local n="$1" dir="$work/nn-$1" port gen_out bench listen started
  gen_out="$(dotnet "$tool" namespace-gen "$dir" "$n")"
  port="$(free_port)"
  start_nn "$dir" "$port"
  kill -9 "$nn_pid"; wait "$nn_pid" 2>/dev/null || true; nn_pid=""
  port="$(free_port)"
  started="$(now_ms)"
  # The bench starts with the NameNode: its first step waits for a mkdir to succeed.
  dotnet "$tool" namespace-bench "127.0.0.1:$port" "$n" "$seconds" "$callers" "$started" >"$work/bench-$n.out" &
  local bench_pid=$!
  start_nn "$dir" "$port"
  listen="$(cat "$dir.listen")"
  # RSS once loaded and writable, before the stat phase; the high-water mark includes the load.
  for _ in $(seq 1 1200); do grep -q '^writable' "$work/bench-$n.out" && break; sleep 0.05; done
  local rss hwm
  rss="$(status_kib "$nn_pid" VmRSS)"; hwm="$(status_kib "$nn_pid" VmHWM)"
  wait "$bench_pid"
  kill -9 "$nn_pid"; wait "$nn_pid" 2>/dev/null || true; nn_pid=""
  bench="$(cat "$work/bench-$n.out")"
  printf '%s %s %s %s %s %s %s %s\n' "$n" "$(awk '{print $5}' <<<"$gen_out")" "$(awk -v m="$listen" 'BEGIN {printf "%.2f", m / 1000}')" \
    "$(awk '$1 == "writable" {printf "%.2f", $2}' <<<"$bench")" "$(( rss / 1024 ))" "$(( hwm / 1024 ))" \
    "$(awk '$1 == "stat" {print $2, $3, $4}' <<<"$bench")" "$(awk '$1 == "list" {print $2, $3}' <<<"$bench")"
}

small_row="$(measure "$small")"
big_row="$(measure "$files")"
printf '\n%-10s %8s %9s %10s %8s %8s %9s %8s %8s %8s %8s\n' files "gen s" "listen s" "writable s" "RSS MiB" "HWM MiB" "stat/s" "p50 ms" "p99 ms" listed "list s"
for row in "$small_row" "$big_row"; do
  # shellcheck disable=SC2086
  printf '%-10s %8s %9s %10s %8s %8s %9s %8s %8s %8s %8s\n' $row
done
read -r _ _ _ _ rss_small _ stat_small _ <<<"$small_row"
read -r _ _ _ _ rss_big _ stat_big _ <<<"$big_row"
awk -v f="$files" -v s="$small" -v a="$rss_small" -v b="$rss_big" 'BEGIN {
  if (f > s) printf "RSS per million files: %.0f MiB (%.0f bytes per file)\n", (b - a) / (f - s) * 1e6, (b - a) * 1048576 / (f - s) }'

# stat/s side by side: both NameNodes up at once, phases taking turns for 2 more rounds, so that
# load from elsewhere on this machine falls on both alike; the ratio is of the medians of 3.
small_port="$(free_port)"; start_nn "$work/nn-$small" "$small_port"; both_pids="$nn_pid"
big_port="$(free_port)"; start_nn "$work/nn-$files" "$big_port"; both_pids="$both_pids $nn_pid"; nn_pid=""
stats_small="$stat_small" stats_big="$stat_big"
for _ in 1 2; do
  stats_small="$stats_small $(dotnet "$tool" namespace-bench "127.0.0.1:$small_port" "$small" "$seconds" "$callers" "$(now_ms)" | awk '$1 == "stat" {print $2}')"
  stats_big="$stats_big $(dotnet "$tool" namespace-bench "127.0.0.1:$big_port" "$files" "$seconds" "$callers" "$(now_ms)" | awk '$1 == "stat" {print $2}')"
done
median() { tr ' ' '\n' <<<"$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "stat/s in turns: $small files: $stats_small; $files files: $stats_big"
awk -v f="$files" -v s="$small" -v x="$(median "$stats_small")" -v y="$(median "$stats_big")" 'BEGIN {
  printf "stat/s, medians of 3: %d at %d files, %d at %d files: ratio %.2f\n", x, s, y, f, y / x }'
for pid in $both_pids; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
both_pids=""
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
