// The DNS names Kubernetes gives a pod through Services, as network aliases on one podman network
// (no cluster DNS runs here). For each Service whose selector matches the pod's labels:
//   - the Service's names: svc, svc.ns, svc.ns.svc, svc.ns.svc.cluster.local (a ClusterIP Service
//     has one virtual address; here the name resolves to the pod itself, which is the same for a
//     Service over one pod and round robin over several);
//   - for the pod's governing headless Service (spec.subdomain = the Service's name), the pod's own
//     names: host.svc, host.svc.ns, host.svc.ns.svc, host.svc.ns.svc.cluster.local.

const clusterDomain = "cluster.local";

export function selects(service, pod) {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) {
    return false; // a Service with no selector has hand-made endpoints: none here
  }
  return Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value);
}

function names(name, namespace) {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.${clusterDomain}`];
}

/** The network aliases of `pod` among `services`, in a stable order, without duplicates. */
export function aliasesFor(pod, services) {
  const namespace = pod.metadata.namespace ?? "default";
  const aliases = [];
  for (const service of services) {
    if ((service.metadata.namespace ?? "default") !== namespace || !selects(service, pod)) {
      continue;
    }
    aliases.push(...names(service.metadata.name, namespace));
    if (service.spec.clusterIP === "None" && pod.spec.subdomain === service.metadata.name && pod.spec.hostname) {
      aliases.push(...names(`${pod.spec.hostname}.${service.metadata.name}`, namespace));
    }
  }
  return [...new Set(aliases)];
}
