// bench/synth, in two parts, each ratio against a baseline measured in the same run:
//
// (1) in-process: `app.synth()` of one stack with 1,000 package groups (terraform_data, two
// resources each, validated, with provisioners) against the same stack with 2,000 bare
// `terraform_data` resources (the resource count our groups produce). Target: ≤ 1.5×. A third
// figure, 2,000 terraform_data resources carrying the same JSON as ours (triggers, provisioners,
// environment, depends_on) without any of our code, separates "more JSON" from "our code".
// Each measurement builds the app from scratch and synthesizes it into a fresh temporary
// directory; rounds alternate between the variants and the median of each is reported.
//
// (2) whole process, the way `cdktf synth` runs an app (`node main.js`, start to exit, default
// validation): 1,000 FilePackageGroups vs 2,000 cdktf `TerraformResource`s of type
// terraform_data. Target: ≤ 2×. Runs alternate; medians.
//
// Needs `npm run build` (uses dist/).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
const PROCESS_ROUNDS = Number(process.env.BENCH_PROCESS_ROUNDS ?? 5);
const TARGET = 1.5;
const PROCESS_TARGET = 2;
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
    const launcher = (command) => `exec /bin/sh "\${path.module}/assets/DliPackagesRuntime/0.0.0/dli-packages.sh" ${command}`;
    const identityKeys = ["spec_version", "kind", "group", "region", "project_id", "endpoint"];
    const contentKeys = [...identityKeys, "paths", "wait_timeout_seconds", "removal_policy"];
    const spec = { DLI_PACKAGES_SPEC: "${jsonencode(self.triggers_replace)}" };
    for (let i = 0; i < GROUPS; i++) {
      const triggers = (keys) =>
        Object.fromEntries(keys.map((k) => [k, k === "paths" ? JSON.stringify([`${OBS}/jobs/${i}/job.jar`, `${OBS}/jobs/${i}/conf.json`]) : `${k}-${i}`]));
      const identity = new DataResource(stack, `i${i}`, {
        triggersReplace: triggers(identityKeys),
        provisioners: [
          {
            type: "local-exec",
            when: "destroy",
            command: launcher("delete-group"),
            environment: { ...spec, DLI_PACKAGES_DECLARED_BY: `terraform_data.c${i}` },
          },
        ],
      });
      const content = new DataResource(stack, `c${i}`, {
        triggersReplace: triggers(contentKeys),
        provisioners: [{ type: "local-exec", command: launcher("upload-group"), environment: spec }],
      });
      content.dependsOn = [`terraform_data.${identity.friendlyUniqueId}`];
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
console.log(`ratio same JSON / bare = ${(sameJson / bare).toFixed(2)}× (what cdktf's token resolution costs for the JSON two lifecycle resources must carry)`);

// (2) whole process
const APP = `
const [variant, outdir] = process.argv.slice(2);
const { App, LocalBackend, TerraformResource, TerraformStack } = require(${JSON.stringify(require.resolve("cdktf"))});
const app = new App({ outdir });
const stack = new TerraformStack(app, "bench");
new LocalBackend(stack, { path: "terraform.tfstate" });
if (variant === "groups") {
  const { FilePackageGroup, ResourceType } = require(${JSON.stringify(entry)});
  for (let i = 0; i < ${GROUPS}; i++) {
    new FilePackageGroup(stack, "g" + i, {
      group: "group-" + i,
      region: "cn-north-4",
      paths: ["${OBS}/jobs/" + i + "/job.jar", "${OBS}/jobs/" + i + "/conf.json"],
      resourceType: ResourceType.TERRAFORM_DATA,
    });
  }
} else {
  class Data extends TerraformResource {
    constructor(scope, id, group) {
      super(scope, id, { terraformResourceType: "terraform_data" });
      this.group = group;
    }
    synthesizeAttributes() {
      return { triggers_replace: { group: this.group } };
    }
  }
  for (let i = 0; i < ${2 * GROUPS}; i++) new Data(stack, "r" + i, "group-" + i);
}
app.synth();
`;
const workdir = mkdtempSync(join(tmpdir(), "dli-synth-process-"));
let processRatio;
try {
  const appFile = join(workdir, "main.js");
  writeFileSync(appFile, APP);
  const wall = (variant) => {
    const outdir = join(workdir, `out-${variant}`);
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [appFile, variant, outdir], { env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "" }, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`whole-process synth (${variant}) exited ${result.status}: ${result.stderr}`);
    rmSync(outdir, { recursive: true, force: true });
    return ms;
  };
  wall("groups");
  wall("bare");
  const whole = { groups: [], bare: [] };
  for (let round = 0; round < PROCESS_ROUNDS; round++) for (const variant of ["groups", "bare"]) whole[variant].push(wall(variant));
  const [g, b] = [median(whole.groups), median(whole.bare)];
  processRatio = g / b;
  console.log(`whole process (node main.js, start to exit, default validation), median of ${PROCESS_ROUNDS}:`);
  console.log(`  ${GROUPS} FilePackageGroups ${g.toFixed(0)} ms · ${2 * GROUPS} TerraformResources of type terraform_data ${b.toFixed(0)} ms`);
  console.log(`  ratio ${processRatio.toFixed(2)}× (target ≤ ${PROCESS_TARGET}×) ${processRatio <= PROCESS_TARGET ? "OK" : "OVER TARGET"}`);
} finally {
  rmSync(workdir, { recursive: true, force: true });
}
process.exit(ratio <= TARGET && processRatio <= PROCESS_TARGET ? 0 : 1);
