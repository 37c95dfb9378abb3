#!/usr/bin/env bash
# Brings a rendered overlay up on podman, on one machine with no Kubernetes API server, and tears it
# down: StatefulSets expanded into pods as their controller would, claims as named volumes, Services
# as network aliases (deploy/test/podman/cluster.mjs, the code the podman test runs).
#
#   deploy/test/podman-cluster.sh up [--overlay DIR] [--image IMAGE] [--name NAME]
#   deploy/test/podman-cluster.sh ckptfs [--name NAME] ARGS...     runs `ckptfs ARGS` in a client container on the network
#   deploy/test/podman-cluster.sh down [--name NAME] [--keep-volumes]
#
# --overlay  a kustomization (default deploy/k8s/overlays/dev: one NameNode, one DataNode)
# --image    the image every container runs (default localhost/ckptfs:dev, what deploy/image/build.sh makes)
# --name     the cluster's name, the prefix of every podman pod, volume and network it makes (default ckptfs-dev)
# State (the play files, the settings as an env file) is kept in ${XDG_STATE_HOME:-~/.local/state}/ckptfs-podman/NAME.
# Needs podman, runc, catatonit (pods' infra containers), kubectl and node with deploy/test/node_modules
# (scripts/setup.sh installs them all).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster="$root/deploy/test/podman/cluster.mjs"

command="${1:-}"; shift || true
overlay="$root/deploy/k8s/overlays/dev"
image="localhost/ckptfs:dev"
name="ckptfs-dev"
keep=()
while (($#)); do
  case "$1" in
    --overlay) overlay="$2"; shift 2 ;;
    --image) image="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --keep-volumes) keep=(--keep-volumes); shift ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) [[ "$command" == ckptfs ]] && break; echo "podman-cluster.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
state="${XDG_STATE_HOME:-$HOME/.local/state}/ckptfs-podman/$name"
[[ -d "$root/deploy/test/node_modules/yaml" ]] || { echo "podman-cluster.sh: run scripts/setup.sh (or npm ci --prefix deploy/test) first" >&2; exit 1; }

case "$command" in
  up)
    rendered="$(mktemp)"; trap 'rm -f "$rendered"' EXIT
    kubectl kustomize "$overlay" > "$rendered"
    node "$cluster" up --state "$state" --prefix "$name-" --image "$image" "$rendered" >/dev/null
    echo "up: pods $(podman pod ps --filter "name=^$name-" --format '{{.Name}}' | tr '\n' ' ')on network $name-net"
    echo "try: $0 ckptfs --name $name report"
    ;;
  ckptfs)
    [[ -f "$state/state.json" ]] || { echo "podman-cluster.sh: no cluster named $name (run up first)" >&2; exit 1; }
    CONTAINERS_CONF="$state/containers.conf" exec podman run --rm --network "$name-net" --env-file "$state/settings.env" "$image" "$@"
    ;;
  down)
    [[ -f "$state/state.json" ]] || { echo "podman-cluster.sh: no cluster named $name" >&2; exit 1; }
    node "$cluster" down --state "$state" "${keep[@]}"
    rm -rf "$state"
    echo "down: $name removed${keep:+ (volumes kept)}"
    ;;
  *) echo "usage: $0 up|ckptfs|down [options] (see --help)" >&2; exit 2 ;;
esac
