// A StatefulSet expanded into its pods, as the StatefulSet controller does (no API server runs
// here): pod i of `web` is named `web-i`, made from the pod template unchanged, with
//   - the controller's labels: statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index;
//   - hostname `web-i` and subdomain = spec.serviceName, so that the pod's DNS name under the
//     governing (headless) Service is web-i.<serviceName>.<namespace>.svc.cluster.local;
//   - one volume per volumeClaimTemplate, bound to the claim `<template>-web-i`: the claim outlives
//     the pod, so a pod deleted and made again gets its data back.
// The claims are returned beside the pods; making them is the caller's business.

/** @returns {{ pod: object, claims: { name: string, template: object }[] }[]} */
export function expandStatefulSet(statefulSet) {
  const name = statefulSet.metadata.name;
  const namespace = statefulSet.metadata.namespace ?? "default";
  const replicas = statefulSet.spec.replicas ?? 1;
  const templates = statefulSet.spec.volumeClaimTemplates ?? [];
  const pods = [];
  for (let index = 0; index < replicas; index++) {
    const podName = `${name}-${index}`;
    const template = structuredClone(statefulSet.spec.template);
    const claims = templates.map((claim) => ({ name: `${claim.metadata.name}-${podName}`, template: claim }));
    const spec = template.spec;
    spec.hostname = podName;
    spec.subdomain = statefulSet.spec.serviceName;
    // A template volume of the same name would shadow the claim; Kubernetes rejects that too.
    spec.volumes = [
      ...(spec.volumes ?? []).filter((volume) => !templates.some((claim) => claim.metadata.name === volume.name)),
      ...templates.map((claim, i) => ({ name: claim.metadata.name, persistentVolumeClaim: { claimName: claims[i].name } })),
    ];
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...template.metadata,
        name: podName,
        namespace,
        labels: {
          ...template.metadata?.labels,
          "statefulset.kubernetes.io/pod-name": podName,
          "apps.kubernetes.io/pod-index": String(index),
        },
      },
      spec,
    };
    pods.push({ pod, claims });
  }
  return pods;
}
