// bench/synth: `app.synth()` of one stack with 1,000 package groups (terraform_data, two
// resources each, validated, with provisioners) against the same stack with 2,000 bare
// `terraform_data` resources (the resource count our groups produce), measured in the same run
// and printed as a ratio. Target: ≤ 1.5×. A third figure, 2,000 terraform_data resources
// carrying the same triggers and provisioners as ours, separates "more JSON" from "our code".
//
// Each measurement builds the app from scratch and synthesizes it into a fresh temporary
// directory; rounds alternate between the variants and the median of each is reported.
// Needs `npm run build` (uses dist/).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const entry = join(root, "dist", "lib", "index.js");
if (!existsSync(entry)) {
  console.error(`${entry} is missing: run \`npm run build\` first`);
  process.exit(1);
}
const { App, DataResource, LocalBackend, TerraformStack } = require("cdktf");
const { FilePackageGroup, ResourceType } = require(entry);

const GROUPS = Number(process.env.BENCH_GROUPS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET = 1.5;
const OBS = "https://bench-bucket.obs.cn-north-4.myhuaweicloud.com";

function measure(declare) {
  const outdir = mkdtempSync(join(tmpdir(), "dli-synth-bench-"));
  try {
    const start = process.hrtime.bigint();
    // skipValidation: cdktf's DataResource (baselines) shells out to `terraform version` per
    // resource during validation; skipping it for every variant keeps the comparison about synth.
    const app = new App({ outdir, skipValidation: true });
    const stack = new TerraformStack(app, "bench");
    new LocalBackend(stack, { path: "terraform.tfstate" });
    declare(stack);
    app.synth();
    return Number(process.hrtime.bigint() - start) / 1e6;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const variants = {
  groups: (stack) => {
    for (let i = 0; i < GROUPS; i++) {
      new FilePackageGroup(stack, `g${i}`, {
        group: `group-${i}`,
        region: "cn-north-4",
        paths: [`${OBS}/jobs/${i}/job.jar`, `${OBS}/jobs/${i}/conf.json`],
        resourceType: ResourceType.TERRAFORM_DATA,
      });
    }
  },
  bare: (stack) => {
    for (let i = 0; i < 2 * GROUPS; i++) new DataResource(stack, `r${i}`, { triggersReplace: { group: `group-${i}` } });
  },
  sameJson: (stack) => {
    for (let i = 0; i < GROUPS; i++) {
      const env = (keys) => Object.fromEntries(keys.map((k) => [`DLI_PACKAGES_${k.toUpperCase()}`, `\${self.triggers_replace.${k}}`]));
      const identityKeys = ["spec_version", "kind", "group", "region", "project_id", "endpoint"];
      const contentKeys = [...identityKeys, "paths", "wait_timeout_seconds", "removal_policy"];
      const triggers = (keys) =>
        Object.fromEntries(keys.map((k) => [k, k === "paths" ? JSON.stringify([`${OBS}/jobs/${i}/job.jar`, `${OBS}/jobs/${i}/conf.json`]) : `${k}-${i}`]));
      const identity = new DataResource(stack, `i${i}`, {
        triggersReplace: triggers(identityKeys),
        provisioners: [{ type: "local-exec", when: "destroy", command: 'node "${path.module}/assets/x/dli-packages.js" delete-group', environment: env(identityKeys) }],
      });
      new DataResource(stack, `c${i}`, {
        triggersReplace: triggers(contentKeys),
        provisioners: [{ type: "local-exec", command: 'node "${path.module}/assets/x/dli-packages.js" upload-group', environment: env(contentKeys) }],
        dependsOn: [identity],
      });
    }
  },
};

const times = { groups: [], bare: [], sameJson: [] };
// Warm-up round (module loading, JIT), not counted.
for (const declare of Object.values(variants)) measure(declare);
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, declare] of Object.entries(variants)) times[name].push(measure(declare));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const groups = median(times.groups);
const bare = median(times.bare);
const sameJson = median(times.sameJson);
const ratio = groups / bare;

console.log(`synth of ${GROUPS} package groups (terraform_data): median ${groups.toFixed(0)} ms over ${ROUNDS} rounds`);
console.log(`synth of ${2 * GROUPS} bare terraform_data:          median ${bare.toFixed(0)} ms`);
console.log(`synth of ${2 * GROUPS} terraform_data with our JSON: median ${sameJson.toFixed(0)} ms (groups / this = ${(groups / sameJson).toFixed(2)}×)`);
console.log(`ratio groups / bare = ${ratio.toFixed(2)}× (target ≤ ${TARGET}×) ${ratio <= TARGET ? "OK" : "OVER TARGET"}`);
process.exit(ratio <= TARGET ? 0 : 1);
