#!/usr/bin/env bash
# The README's first command. On a fresh machine: installs what is missing, builds, starts a local
# cluster (a NameNode and 3 DataNodes as background processes), puts a sample checkpoint folder of
# several shards, gets it back, verifies it byte for byte, shows where the replicas are, and stops
# everything. All under one temp folder. (It does not restart the NameNode: the README's "Riding
# through a NameNode restart" and tests/CkptFS.IntegrationTests/NameNodeRestartTests.cs do.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Installing missing packages and building (first run only)"
scripts/setup.sh
./ckptfs --version >/dev/null

work="$(mktemp -d -t ckptfs-quickstart-XXXXXX)"
cleanup() {
  ./ckptfs cluster stop --dir "$work/cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

say "Starting a local cluster: 1 NameNode + 3 DataNodes"
./ckptfs cluster start --dir "$work/cluster" --datanodes 3 | tee "$work/start.out"
export CKPTFS_NAMENODE="$(sed -n 's/^export CKPTFS_NAMENODE=//p' "$work/start.out")"

say "Making a sample checkpoint: 4 shards of 24 MiB, a manifest, an empty folder"
sample="$work/step-000100"
mkdir -p "$sample/optimizer" "$sample/empty"
for rank in 0 1 2 3; do head -c $((24 * 1024 * 1024)) /dev/urandom >"$sample/model-rank$rank.bin"; done
head -c 3000000 /dev/urandom >"$sample/optimizer/state.bin"
echo '{"step": 100, "shards": 4}' >"$sample/manifest.json"
du -sh "$sample"

say "ckptfs put (3 replicas, 8 MiB blocks so each shard spans several blocks)"
./ckptfs mkdir -p /jobs/demo
./ckptfs put --block-size 8M "$sample" /jobs/demo
./ckptfs ls -R /jobs/demo

say "ckptfs get, and a byte-for-byte comparison"
mkdir -p "$work/restored"
./ckptfs get /jobs/demo/step-000100 "$work/restored"
diff -r "$sample" "$work/restored/step-000100" && echo "identical: $(find "$sample" -type f | wc -l) files, $(du -sb "$sample" | cut -f1) bytes"

say "Where the replicas are (first shard) and the cluster's health"
./ckptfs stat --json /jobs/demo/step-000100/model-rank0.bin | grep -E '"(blockId|uuid)"' | head -8
./ckptfs fsck /jobs
./ckptfs report | head -4

say "Stopping the cluster"
./ckptfs cluster stop --dir "$work/cluster"
echo "done."
