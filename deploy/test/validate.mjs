// Validates Kubernetes objects offline against the API schemas that npm's kubernetes-models
// compiles (Kubernetes 1.3x's OpenAPI: types, required fields, enums, formats).
//   node validate.mjs [--print] FILE.yaml...     (or YAML on stdin)
// Prints one JSON line {"valid":N,"objects":["Kind/name",...],"errors":[...]} and exits 1 when any
// object is invalid, has a kind these schemas do not know, or a document does not parse.
// --print adds "documents": every object as JSON, for checks in a language with no YAML parser.
// The schemas do not reject unknown fields (no additionalProperties); the C# tests read the fields
// that matter, so a misspelled one fails there.
// cert-manager.io/v1 Issuer and Certificate (the TLS component) are not in kubernetes-models: they get
// the hand-written check of cert-manager.mjs instead, and their errors are reported the same way.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as certManager from "./cert-manager.mjs";

const print = process.argv.includes("--print");
const files = process.argv.slice(2).filter((argument) => argument !== "--print");
const inputs = files.length > 0
  ? files.map((file) => ({ name: file, text: readFileSync(file, "utf8") }))
  : [{ name: "stdin", text: readFileSync(0, "utf8") }];

// apiVersion "apps/v1" -> kubernetes-models/apps/v1; the core group "v1" -> kubernetes-models/v1.
async function modelFor(apiVersion, kind) {
  let module;
  try {
    module = await import(`kubernetes-models/${apiVersion}`);
  } catch {
    return null;
  }
  return module[kind] ?? null;
}

const objects = [];
const errors = [];
const documents = [];
for (const input of inputs) {
  for (const document of parseAllDocuments(input.text)) {
    if (document.errors.length > 0) {
      errors.push(`${input.name}: YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) {
      continue;
    }
    documents.push(object);
    const id = `${object.kind}/${object.metadata?.name ?? "?"}`;
    if (object.apiVersion === certManager.apiVersion && certManager.knows(object.kind)) {
      const problems = certManager.check(object);
      if (problems.length > 0) {
        errors.push(`${input.name}: ${id}: ${problems.join(", ")}`);
      } else {
        objects.push(id);
      }
      continue;
    }
    const Model = await modelFor(object.apiVersion, object.kind);
    if (Model === null) {
      errors.push(`${input.name}: ${id}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
      objects.push(id);
    } catch (error) {
      errors.push(`${input.name}: ${id}: ${error.message}`);
    }
  }
}
console.log(JSON.stringify(print ? { valid: objects.length, objects, errors, documents } : { valid: objects.length, objects, errors }));
process.exit(errors.length > 0 ? 1 : 0);
