#!/usr/bin/env bash
# The cost of TLS on the data path, side by side in one run: two local clusters of 3 DataNodes on this
# machine's disk, one cleartext and one started with `cluster start --tls` (TLS on the NameNode and on
# every transfer port), each given the same r=3 write and read of one SIZE file, alternating
# cleartext and TLS ROUNDS times. Prints each round, the medians, the TLS/cleartext ratios (the aim
# of issue 14: at most 15% slower) and the CPU seconds per GiB over all CkptFS processes of the
# cluster plus the client. The page cache is dropped before every read when this runs as root.
# Usage: scripts/bench-tls.sh [SIZE=1G] [ROUNDS=3] [WORKDIR=$(mktemp -d)]; SIZE=32M ROUNDS=1 is a smoke run.
# On a shared machine run it under `flock /tmp/ckptfs-bench.lock scripts/bench-tls.sh`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:-1G}"
rounds="${2:-3}"
work="${3:-$(mktemp -d -t ckptfs-bench-tls-XXXXXX)}"
mkdir -p "$work"
bytes=$(numfmt --from=iec "$size")

./ckptfs --version >/dev/null
cleanup() {
  ./ckptfs cluster stop --dir "$work/plain" >/dev/null 2>&1 || true
  ./ckptfs cluster stop --dir "$work/tls" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

drop_caches() { sync; [[ -w /proc/sys/vm/drop_caches ]] && echo 3 >/proc/sys/vm/drop_caches || true; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# shellcheck source=lib/cluster-ticks.sh
. "$root/scripts/lib/cluster-ticks.sh"
ticks() { cluster_ticks "$1"; }
cpu_per_gib() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v b="$bytes" 'BEGIN { printf "%.2f", t / hz / (b / 1073741824) }'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(df -h "$work" | awk 'NR==2 {print $1}') ($(stat -f -c %T "$work")), size $size, r=3, $rounds rounds"
./ckptfs cluster start --dir "$work/plain" --datanodes 3 >/dev/null
./ckptfs cluster start --dir "$work/tls" --datanodes 3 --tls >/dev/null

# Runs `ckptfs bench data` against the cluster in DIR with its own environment (env.sh: address, CA, token).
bench() {
  local dir=$1; shift
  (set +u; . "$dir/env.sh"; ./ckptfs bench data "$@")
}

declare -A writes reads wcpu rcpu
for kind in plain tls; do writes[$kind]=""; reads[$kind]=""; wcpu[$kind]=""; rcpu[$kind]=""; done
for round in $(seq 1 "$rounds"); do
  for kind in plain tls; do
    dir="$work/$kind"
    before=$(ticks "$dir")
    out=$(bench "$dir" --size "$size" -r 3 --phase write --path "/bench/tls-$round")
    w_cpu=$(cpu_per_gib $(($(ticks "$dir") - before)))
    write=$(awk '/^write/ {print $2}' <<<"$out")
    drop_caches
    before=$(ticks "$dir")
    out=$(bench "$dir" --phase read --path "/bench/tls-$round")
    r_cpu=$(cpu_per_gib $(($(ticks "$dir") - before)))
    read=$(awk '/^read/ {print $2}' <<<"$out")
    (set +u; . "$dir/env.sh"; ./ckptfs rm "/bench/tls-$round" >/dev/null)
    writes[$kind]+=" $write"; reads[$kind]+=" $read"; wcpu[$kind]+=" $w_cpu"; rcpu[$kind]+=" $r_cpu"
    printf 'round %s %-5s: put r=3 %8s MiB/s (%s CPU-s/GiB), get %8s MiB/s (%s CPU-s/GiB)\n' "$round" "$kind" "$write" "$w_cpu" "$read" "$r_cpu"
  done
done

# shellcheck disable=SC2086
{
  pw=$(median ${writes[plain]}); tw=$(median ${writes[tls]}); pr=$(median ${reads[plain]}); tr=$(median ${reads[tls]})
  pwc=$(median ${wcpu[plain]}); twc=$(median ${wcpu[tls]}); prc=$(median ${rcpu[plain]}); trc=$(median ${rcpu[tls]})
}
echo "cleartext: put r=3 ${pw} MiB/s [${writes[plain]# }], get ${pr} MiB/s [${reads[plain]# }]; CPU-s/GiB put ${pwc}, get ${prc}"
echo "TLS      : put r=3 ${tw} MiB/s [${writes[tls]# }], get ${tr} MiB/s [${reads[tls]# }]; CPU-s/GiB put ${twc}, get ${trc}"
echo "TLS/cleartext: put $(ratio "$tw" "$pw"), get $(ratio "$tr" "$pr") (aim: at least 0.85); CPU put $(ratio "$twc" "$pwc")x, get $(ratio "$trc" "$prc")x"
