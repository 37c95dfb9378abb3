// Runs rendered Kubernetes manifests on podman, as far as one machine with no API server allows
// (see plan.mjs for what becomes what). One implementation for the test
// (tests/CkptFS.IntegrationTests/Deploy/PodmanClusterTests) and the operator's script
// (deploy/test/podman-cluster.sh).
//
//   node cluster.mjs plan --state DIR [--prefix P] [--image IMAGE] [FILE.yaml | < rendered.yaml]   the files only
//   node cluster.mjs up --state DIR [--prefix P] [--image IMAGE] [FILE.yaml | < rendered.yaml]
//   node cluster.mjs delete --state DIR POD      SIGTERM, wait up to the pod's grace period, remove (its volumes stay)
//   node cluster.mjs play --state DIR POD        make the pod again from its play file (same volumes, same aliases)
//   node cluster.mjs down --state DIR [--keep-volumes]
//
// `up` writes DIR/state.json (every podman name it will make) before it makes anything, so `down`
// removes exactly what this cluster made, by name, even after a failed `up`. POD is the Kubernetes
// name (ckptfs-datanode-1). Podman runs with runc and ulimits within the host's hard limits (a
// containers.conf in DIR): crun and podman's default ulimits fail on this kind of host.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { planCluster } from "./plan.mjs";

const podmanTimeoutMs = 5 * 60 * 1000;

function parseArguments(argv) {
  const [command, ...rest] = argv;
  const options = { command, positional: [] };
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i];
    if (argument === "--keep-volumes") options.keepVolumes = true;
    else if (argument.startsWith("--")) options[argument.slice(2)] = rest[++i];
    else options.positional.push(argument);
  }
  if (!options.state) fail("--state DIR is required");
  return options;
}

function fail(message) {
  console.error(`cluster.mjs: ${message}`);
  process.exit(2);
}

function hardLimit(name, cap) {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith(name));
  const hard = line?.slice(name.length).trim().split(/\s+/)[1];
  return hard === undefined || hard === "unlimited" ? cap : Math.min(Number(hard), cap);
}

function writeContainersConf(state) {
  const files = hardLimit("Max open files", 1048576);
  const processes = hardLimit("Max processes", 32768);
  const runc = spawnSync("sh", ["-c", "command -v runc"]).status === 0;
  const file = join(state, "containers.conf");
  writeFileSync(file, [
    "[containers]",
    `default_ulimits = ["nofile=${files}:${files}", "nproc=${processes}:${processes}"]`,
    ...(runc ? ["[engine]", 'runtime = "runc"'] : []),
    "",
  ].join("\n"));
  return file;
}

function podman(state, args, { allowFailure = false } = {}) {
  const result = spawnSync("podman", args, {
    encoding: "utf8",
    cwd: state, // kube play builds an image from a folder named like the image in its working directory
    timeout: podmanTimeoutMs,
    env: { ...process.env, CONTAINERS_CONF: join(state, "containers.conf") },
  });
  if (result.status !== 0 && !allowFailure) {
    throw new Error(`podman ${args.join(" ")} exited ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`);
  }
  return result;
}

function readState(state) {
  const file = join(state, "state.json");
  if (!existsSync(file)) fail(`no ${file}: run 'up' first`);
  return JSON.parse(readFileSync(file, "utf8"));
}

function podOf(plan, name) {
  return plan.pods.find((pod) => pod.name === name) ?? fail(`no pod ${name} (pods: ${plan.pods.map((p) => p.name).join(", ")})`);
}

function play(state, plan, pod) {
  const network = [plan.network, ...pod.aliases.map((alias) => `alias=${alias}`)].join(",").replace(",", ":");
  podman(state, ["kube", "play", "--build=false", "--network", network, join(state, `${pod.name}.yaml`)]);
}

function writePlan(options) {
  const text = readFileSync(options.positional[0] ?? 0, "utf8");
  const objects = parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o);
  const plan = planCluster(objects, { prefix: options.prefix ?? "ckptfs-dev-", image: options.image });
  mkdirSync(options.state, { recursive: true });
  writeContainersConf(options.state);
  writeFileSync(join(options.state, "state.json"), JSON.stringify(plan, null, 2));
  writeFileSync(join(options.state, "settings.env"), plan.settingsEnv);
  for (const pod of plan.pods) {
    writeFileSync(join(options.state, `${pod.name}.yaml`), pod.playYaml);
    for (const claim of pod.claims) writeFileSync(join(options.state, `${claim.name}.claim.yaml`), claim.playYaml);
  }
  return plan;
}

function up(options) {
  const plan = writePlan(options);
  podman(options.state, ["network", "create", plan.network]);
  for (const pod of plan.pods) {
    for (const claim of pod.claims) {
      // `kube play` of a claim whose volume exists fails (podman 4.3): make it once.
      if (podman(options.state, ["volume", "exists", claim.volume], { allowFailure: true }).status !== 0) {
        podman(options.state, ["kube", "play", "--build=false", join(options.state, `${claim.name}.claim.yaml`)]);
      }
    }
  }
  for (const pod of plan.pods) play(options.state, plan, pod);
  console.log(JSON.stringify({ network: plan.network, pods: plan.pods.map((p) => ({ name: p.name, podman: p.podmanName, aliases: p.aliases })) }));
}

// As the kubelet deletes a pod: SIGTERM to its containers, up to the grace period, then SIGKILL;
// the sandbox (podman's infra container, which holds the network) only once they have exited.
// `podman pod stop` may take the infra container down with them: the network goes while the
// process still holds connections, its FINs never leave, and its peers (DataNodes' streams to the
// NameNode) hang on a dead address until HTTP/2 keepalive gives up, about a minute later.
function remove(state, pod, graceSeconds) {
  const containers = pod.playPod.spec.containers.map((container) => `${pod.podmanName}-${container.name}`);
  podman(state, ["stop", "-t", String(graceSeconds), ...containers], { allowFailure: true });
  podman(state, ["pod", "stop", "-t", "0", pod.podmanName], { allowFailure: true });
  podman(state, ["pod", "rm", "-f", pod.podmanName], { allowFailure: true });
}

function down(options) {
  const plan = readState(options.state);
  for (const pod of plan.pods) remove(options.state, pod, 0);
  podman(options.state, ["network", "rm", "-f", plan.network], { allowFailure: true });
  if (!options.keepVolumes) {
    for (const claim of plan.pods.flatMap((pod) => pod.claims)) {
      podman(options.state, ["volume", "rm", "-f", claim.volume], { allowFailure: true });
    }
  }
}

const options = parseArguments(process.argv.slice(2));
switch (options.command) {
  case "plan": writePlan(options); break;
  case "up": up(options); break;
  case "delete": { const plan = readState(options.state); const pod = podOf(plan, options.positional[0]); remove(options.state, pod, pod.graceSeconds); break; }
  case "play": { const plan = readState(options.state); play(options.state, plan, podOf(plan, options.positional[0])); break; }
  case "down": down(options); break;
  default: fail(`unknown command '${options.command}' (plan, up, delete, play, down)`);
}
