// What the kubelet does to a container's environment before it starts, for the parts podman's
// `kube play` cannot do here: the downward API (fieldRef) and $(VAR) references. Podman would
// answer metadata.name with its own pod name, which carries this run's prefix; Kubernetes answers
// with the pod's name (ckptfs-datanode-0), which the DataNode advertises and must be the one the
// network resolves. envFrom stays for podman, which reads it from the ConfigMap in the play file.
//
// Rules, as the kubelet's: a $(NAME) reference expands to a variable defined before it (envFrom
// first, then env in order); an unknown reference stays as written; $$ is a literal $. A label that
// the pod does not carry is the empty string.

/** The value of a downward-API field path of `pod`, or undefined when the kubelet would not know it here. */
export function fieldValue(pod, fieldPath) {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (labelOrAnnotation) {
    return pod.metadata[labelOrAnnotation[1]]?.[labelOrAnnotation[2]] ?? "";
  }
  switch (fieldPath) {
    case "metadata.name": return pod.metadata.name;
    case "metadata.namespace": return pod.metadata.namespace ?? "default";
    case "spec.serviceAccountName": return pod.spec.serviceAccountName ?? "default";
    default: return undefined;
  }
}

/** `value` with every $(NAME) known in `variables` replaced, $$ made $. */
export function expandReferences(value, variables) {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name) =>
    match === "$$" ? "$" : variables.has(name) ? variables.get(name) : match);
}

/** Rewrites each container's env of `pod` in place to plain values; `configMaps` by name, for envFrom. */
export function resolvePodEnv(pod, configMaps) {
  for (const container of pod.spec.containers ?? []) {
    const variables = new Map();
    for (const source of container.envFrom ?? []) {
      const data = source.configMapRef ? configMaps.get(source.configMapRef.name)?.data ?? {} : {};
      for (const [name, value] of Object.entries(data)) {
        variables.set(`${source.prefix ?? ""}${name}`, value);
      }
    }
    container.env = (container.env ?? []).map((variable) => {
      let value = variable.value;
      if (variable.valueFrom?.fieldRef) {
        value = fieldValue(pod, variable.valueFrom.fieldRef.fieldPath);
      } else if (variable.valueFrom) {
        return variable; // secretKeyRef, configMapKeyRef, resourceFieldRef: podman's to resolve
      }
      if (value === undefined) {
        throw new Error(`${pod.metadata.name}/${container.name}: env ${variable.name}: no value for field ${variable.valueFrom.fieldRef.fieldPath}`);
      }
      const expanded = expandReferences(value ?? "", variables);
      variables.set(variable.name, expanded);
      return { name: variable.name, value: expanded };
    });
  }
  return pod;
}
