// The rendered manifests turned into what podman runs: one `kube play` file per pod (the pod and
// the ConfigMaps it reads), one per claim (a PersistentVolumeClaim, which `kube play` makes into a
// named volume), the pod's network aliases and its grace period. Pure: no podman is run here.
//
// Podman's names carry a prefix unique to the run (pods, volumes, the network), so that several
// clusters can run on one machine; inside the pods every name is Kubernetes's (hostnames, env, DNS).
// Pods come from kind Pod and from StatefulSets (expanded as the controller would); Deployments,
// Jobs and DaemonSets are not in the manifests this serves and are refused rather than skipped.
// Namespace, Service (as aliases), PodDisruptionBudget and ConfigMap need no podman object of their own.
import { stringify } from "yaml";
import { expandStatefulSet } from "./statefulset.mjs";
import { resolvePodEnv } from "./pod-env.mjs";
import { aliasesFor } from "./service-aliases.mjs";

const handledElsewhere = new Set(["Namespace", "Service", "PodDisruptionBudget", "ConfigMap"]);

/**
 * @param objects the rendered objects (kubectl kustomize), parsed
 * @param options { prefix: podman name prefix, image?: replaces every container's image }
 */
export function planCluster(objects, { prefix, image }) {
  const unknown = objects.filter((o) => !handledElsewhere.has(o.kind) && o.kind !== "Pod" && o.kind !== "StatefulSet");
  if (unknown.length > 0) {
    throw new Error(`cannot run on podman: ${unknown.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  }
  const configMaps = new Map(objects.filter((o) => o.kind === "ConfigMap").map((o) => [o.metadata.name, o]));
  const services = objects.filter((o) => o.kind === "Service");
  const expanded = [
    ...objects.filter((o) => o.kind === "Pod").map((pod) => ({ pod: structuredClone(pod), claims: [] })),
    ...objects.filter((o) => o.kind === "StatefulSet").flatMap(expandStatefulSet),
  ];
  const pods = expanded.map(({ pod, claims }) => planPod(pod, claims, { prefix, image, configMaps, services }));
  return { prefix, network: `${prefix}net`, pods, settingsEnv: settingsEnv(configMaps) };
}

function planPod(pod, claims, { prefix, image, configMaps, services }) {
  resolvePodEnv(pod, configMaps);
  const aliases = aliasesFor(pod, services);
  const name = pod.metadata.name;
  const playPod = structuredClone(pod);
  playPod.metadata.name = `${prefix}${name}`;
  delete playPod.metadata.namespace;
  for (const container of playPod.spec.containers) {
    if (image) {
      container.image = image;
    }
    unpublishPorts(container);
  }
  const volumes = new Map(claims.map((claim) => [claim.name, `${prefix}${claim.name}`]));
  for (const volume of playPod.spec.volumes ?? []) {
    if (volume.persistentVolumeClaim) {
      volume.persistentVolumeClaim.claimName = volumes.get(volume.persistentVolumeClaim.claimName) ?? `${prefix}${volume.persistentVolumeClaim.claimName}`;
    }
  }
  const used = new Set((playPod.spec.containers ?? []).flatMap((c) => (c.envFrom ?? []).map((s) => s.configMapRef?.name)));
  const maps = [...used].filter(Boolean).map((map) => {
    const found = configMaps.get(map);
    if (!found) throw new Error(`${name}: ConfigMap ${map} is not in the manifests`);
    return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: map }, data: found.data };
  });
  return {
    name,
    podmanName: playPod.metadata.name,
    aliases,
    graceSeconds: pod.spec.terminationGracePeriodSeconds ?? 30,
    playPod,
    playYaml: [...maps, playPod].map((o) => stringify(o)).join("---\n"),
    claims: claims.map((claim) => ({ name: claim.name, volume: volumes.get(claim.name), playYaml: stringify(claimObject(volumes.get(claim.name), claim.template, pod)) })),
  };
}

// Podman 4.3's `kube play` publishes every containerPort on the host (as hostPort), where
// Kubernetes publishes none: two DataNodes would fight over 9864, and so would two test runs. The
// ports go; the probes' named ports ("http") become the numbers the kubelet would resolve them to.
function unpublishPorts(container) {
  const numbers = new Map((container.ports ?? []).map((port) => [port.name, port.containerPort]));
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"].map((p) => container[p]).filter(Boolean)) {
    for (const action of [probe.httpGet, probe.tcpSocket, probe.grpc].filter(Boolean)) {
      if (typeof action.port === "string" && numbers.has(action.port)) {
        action.port = numbers.get(action.port);
      }
    }
  }
  delete container.ports;
}

// fsGroup (and runAsUser) as Kubernetes applies them to a new volume: owned by the pod's user and
// group, so a non-root process can write it. Podman's annotations do that for a named volume.
function claimObject(volume, template, pod) {
  const security = pod.spec.securityContext ?? {};
  const annotations = {};
  const uid = security.runAsUser;
  const gid = security.fsGroup ?? security.runAsGroup;
  if (uid !== undefined) annotations["volume.podman.io/uid"] = String(uid);
  if (gid !== undefined) annotations["volume.podman.io/gid"] = String(gid);
  return { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: volume, annotations }, spec: template.spec };
}

// The settings ConfigMaps as an env file, for a client container on the network (what the example
// Job's envFrom gives it).
function settingsEnv(configMaps) {
  return [...configMaps.values()].flatMap((map) => Object.entries(map.data ?? {}).map(([key, value]) => `${key}=${value}`)).join("\n") + "\n";
}
