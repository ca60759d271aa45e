// Validates every document of the multi-document YAML files given as arguments against
// Kubernetes' OpenAPI schema (the models and compiled validators of kubernetes-models), by
// apiVersion and kind. Prints one line per document; exits 1 on the first invalid one.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Job } from "kubernetes-models/batch/v1/Job";

const models = {
  "v1/ConfigMap": ConfigMap,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "batch/v1/Job": Job,
};

let failed = false;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      console.log(`${file}: YAML error: ${doc.errors[0].message}`);
      failed = true;
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    const Model = models[`${object.apiVersion}/${object.kind}`];
    if (!Model) {
      console.log(`${file}: no schema for ${object.apiVersion} ${object.kind}`);
      failed = true;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`${file}: valid ${object.kind} ${object.metadata.name}`);
    } catch (e) {
      console.log(`${file}: INVALID ${object.kind}: ${e.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
