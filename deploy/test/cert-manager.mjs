// cert-manager.io/v1 Issuer and Certificate, which kubernetes-models does not know: a hand-written
// check of the fields deploy/k8s uses, with messages in the schemas' style ("spec/secretName is
// required"). Not cert-manager's whole API: an issuer other than selfSigned or ca is refused, and so
// is a Certificate field cert-manager does not have (a typo would otherwise pass unnoticed, as
// cert-manager's webhook is not here to refuse it).
export const apiVersion = "cert-manager.io/v1";

// RFC 1123 subdomain, as Kubernetes requires of most object names.
const objectName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// A DNS name, or a wildcard for one label ("*.ckptfs-datanode.ckptfs.svc.cluster.local").
const dnsName = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Go's time.ParseDuration, the format of duration and renewBefore ("2160h", "720h0m0s").
const goDuration = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const durationUnits = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

const certificateFields = new Set([
  "additionalOutputFormats", "commonName", "dnsNames", "duration", "emailAddresses", "encodeUsagesInRequest",
  "ipAddresses", "isCA", "issuerRef", "keystores", "literalSubject", "nameConstraints", "otherNames", "privateKey",
  "renewBefore", "renewBeforePercentage", "revisionHistoryLimit", "secretName", "secretTemplate", "subject", "uris", "usages",
]);
const keyUsages = new Set([
  "signing", "digital signature", "content commitment", "key encipherment", "key agreement", "data encipherment",
  "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth", "client auth", "code signing",
  "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing",
  "microsoft sgc", "netscape sgc",
]);
const keySizes = { RSA: null, ECDSA: [256, 384, 521], Ed25519: null };

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const isText = (value) => typeof value === "string" && value.length > 0;

/** The kinds this file checks. */
export function knows(kind) {
  return kind === "Issuer" || kind === "Certificate";
}

/** The problems of one object, as messages; empty when it passes. */
export function check(object) {
  const problems = [];
  const name = object.metadata?.name;
  if (!isText(name)) {
    problems.push("metadata/name is required");
  } else if (!objectName.test(name) || name.length > 253) {
    problems.push(`metadata/name "${name}" is not a lowercase RFC 1123 subdomain`);
  }
  if (!isObject(object.spec)) {
    problems.push("spec is required and must be an object");
    return problems;
  }
  return problems.concat(object.kind === "Issuer" ? checkIssuer(object.spec) : checkCertificate(object.spec));
}

function checkIssuer(spec) {
  const types = ["selfSigned", "ca", "acme", "vault", "venafi"].filter((type) => spec[type] !== undefined);
  if (types.length !== 1 || (types[0] !== "selfSigned" && types[0] !== "ca")) {
    return [`spec must have exactly one of selfSigned or ca (has: ${types.join(", ") || "none"})`];
  }
  if (!isObject(spec[types[0]])) {
    return [`spec/${types[0]} must be an object`];
  }
  return types[0] === "ca" && !isText(spec.ca.secretName) ? ["spec/ca/secretName is required"] : [];
}

function checkCertificate(spec) {
  const problems = Object.keys(spec).filter((field) => !certificateFields.has(field)).map((field) => `spec/${field} is not a Certificate field`);
  if (!isText(spec.secretName)) {
    problems.push("spec/secretName is required");
  }
  if (!isObject(spec.issuerRef) || !isText(spec.issuerRef.name)) {
    problems.push("spec/issuerRef/name is required");
  } else {
    if (spec.issuerRef.kind !== undefined && !["Issuer", "ClusterIssuer"].includes(spec.issuerRef.kind)) {
      problems.push(`spec/issuerRef/kind must be Issuer or ClusterIssuer (is ${JSON.stringify(spec.issuerRef.kind)})`);
    }
    if (spec.issuerRef.group !== undefined && spec.issuerRef.group !== "cert-manager.io") {
      problems.push(`spec/issuerRef/group must be cert-manager.io (is ${JSON.stringify(spec.issuerRef.group)})`);
    }
  }
  if (spec.isCA !== undefined && typeof spec.isCA !== "boolean") {
    problems.push("spec/isCA must be boolean");
  }
  if (spec.commonName !== undefined && !isText(spec.commonName)) {
    problems.push("spec/commonName must be a non-empty string");
  }
  if (spec.dnsNames !== undefined) {
    if (!Array.isArray(spec.dnsNames) || spec.dnsNames.length === 0) {
      problems.push("spec/dnsNames must be a non-empty array");
    } else {
      problems.push(...spec.dnsNames.filter((dns) => typeof dns !== "string" || !dnsName.test(dns)).map((dns) => `spec/dnsNames: ${JSON.stringify(dns)} is not a DNS name`));
    }
  }
  // What the certificate names: DNS names for a server, a common name for a CA.
  if (spec.dnsNames === undefined && !(spec.isCA === true && spec.commonName !== undefined)) {
    problems.push("spec/dnsNames is required (or isCA with a commonName)");
  }
  problems.push(...checkDurations(spec), ...checkPrivateKey(spec.privateKey));
  if (spec.usages !== undefined) {
    if (!Array.isArray(spec.usages)) {
      problems.push("spec/usages must be an array");
    } else {
      problems.push(...spec.usages.filter((usage) => !keyUsages.has(usage)).map((usage) => `spec/usages: ${JSON.stringify(usage)} is not a key usage`));
    }
  }
  return problems;
}

function checkDurations(spec) {
  const problems = [];
  const seconds = {};
  for (const field of ["duration", "renewBefore"]) {
    if (spec[field] === undefined) {
      continue;
    }
    if (typeof spec[field] !== "string" || !goDuration.test(spec[field])) {
      problems.push(`spec/${field} must be a Go duration such as 2160h (is ${JSON.stringify(spec[field])})`);
      continue;
    }
    seconds[field] = [...spec[field].matchAll(/([0-9.]+)(ns|us|µs|ms|s|m|h)/g)].reduce((sum, [, value, unit]) => sum + Number(value) * durationUnits[unit], 0);
  }
  // cert-manager refuses a renewal due before the certificate is issued.
  if (seconds.duration !== undefined && seconds.renewBefore !== undefined && seconds.renewBefore >= seconds.duration) {
    problems.push(`spec/renewBefore (${spec.renewBefore}) must be shorter than spec/duration (${spec.duration})`);
  }
  return problems;
}

function checkPrivateKey(privateKey) {
  if (privateKey === undefined) {
    return [];
  }
  if (!isObject(privateKey)) {
    return ["spec/privateKey must be an object"];
  }
  const problems = [];
  if (privateKey.algorithm !== undefined && !(privateKey.algorithm in keySizes)) {
    problems.push(`spec/privateKey/algorithm must be one of ${Object.keys(keySizes).join(", ")} (is ${JSON.stringify(privateKey.algorithm)})`);
  } else if (privateKey.algorithm === "ECDSA" && privateKey.size !== undefined && !keySizes.ECDSA.includes(privateKey.size)) {
    problems.push(`spec/privateKey/size must be one of ${keySizes.ECDSA.join(", ")} for ECDSA (is ${JSON.stringify(privateKey.size)})`);
  }
  if (privateKey.rotationPolicy !== undefined && !["Never", "Always"].includes(privateKey.rotationPolicy)) {
    problems.push(`spec/privateKey/rotationPolicy must be Never or Always (is ${JSON.stringify(privateKey.rotationPolicy)})`);
  }
  return problems;
}
