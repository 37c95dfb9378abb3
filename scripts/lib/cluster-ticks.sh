# Sourced by the benchmarks. cluster_ticks DIR: the CPU ticks (utime + stime) of the processes of the
# local cluster in DIR (the pids in DIR/cluster.json), plus those of this shell's finished children
# (a client run as one): the difference across a phase is what the phase cost all of CkptFS.
cluster_ticks() {
  local total=0 pid
  for pid in $(grep -o '"pid": [0-9]*' "$1/cluster.json" | awk '{print $2}'); do
    [[ -r /proc/$pid/stat ]] && total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo $((total + $(sed 's/.*) //' "/proc/$$/stat" | awk '{print $14 + $15}')))
}
