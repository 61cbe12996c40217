// bench/apply: `terraform apply` of 50 package groups against the emulator with 2 s async
// readiness and -parallelism=10, against the floor no implementation can beat:
// ceil(50 / 10) waves × 2 s. Target: ratio ≤ 1.3.
//
// A second baseline, measured in the same run, shows what this machine allows: the same stack
// shape (50 identity + 50 content terraform_data resources) whose create-time provisioner is a
// node process that only sleeps 2 s. Its ratio is the overhead our runtime adds on top of
// Terraform and Node start-up (10 Node processes at once on 2 cores cost ~0.8 s per wave).
//
// Needs `npm run build` (uses dist/) and a terraform binary; without terraform it prints why
// it skipped and exits 0.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const GROUPS = 50;
const PARALLELISM = 10;
const READY_DELAY_MS = 2000;
const TARGET_RATIO = 1.3;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

function terraform(cwd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", [...args, "-no-color"], { cwd, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`terraform ${args[0]} exited ${code}:\n${output.slice(-4000)}`)),
    );
  });
}

async function main() {
  if (spawnSync("terraform", ["version"]).status !== 0) {
    console.log("bench/apply skipped: no terraform binary on PATH");
    return;
  }
  const { App, DataResource, LocalBackend, TerraformStack } = require("cdktf");
  const { FilePackageGroup, ResourceType } = require(join(root, "dist", "lib", "index.js"));
  const { startEmulator } = require(join(root, "dist", "lib", "emulator", "index.js"));

  const baselineSeconds = await sleepingStackApplySeconds({ App, DataResource, LocalBackend, TerraformStack });
  const workdir = mkdtempSync(join(tmpdir(), "dli-bench-apply-"));
  const emulator = await startEmulator({ port: 0, readyDelayMs: READY_DELAY_MS });
  try {
    const app = new App({ outdir: workdir });
    const stack = new TerraformStack(app, "bench");
    new LocalBackend(stack, { path: "terraform.tfstate" });
    for (let i = 0; i < GROUPS; i++) {
      new FilePackageGroup(stack, `group-${i}`, {
        group: `bench-${i}`,
        region: "cn-north-4",
        paths: [
          `https://bench.obs.cn-north-4.myhuaweicloud.com/jobs/${i}/main.jar`,
          `https://bench.obs.cn-north-4.myhuaweicloud.com/jobs/${i}/helper.py`,
        ],
        resourceType: ResourceType.TERRAFORM_DATA,
      });
    }
    app.synth();
    const stackDir = join(workdir, "stacks", "bench");
    const env = { ...emulator.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    await terraform(stackDir, ["init", "-input=false"], env);

    const begin = process.hrtime.bigint();
    await terraform(stackDir, ["apply", "-auto-approve", "-input=false", `-parallelism=${PARALLELISM}`], env);
    const applySeconds = Number(process.hrtime.bigint() - begin) / 1e9;

    const live = emulator.groups().length;
    if (live !== GROUPS) throw new Error(`expected ${GROUPS} live groups after apply, found ${live}`);
    const calls = emulator.requests().length;
    const floor = Math.ceil(GROUPS / PARALLELISM) * (READY_DELAY_MS / 1000);
    const ratio = applySeconds / floor;
    console.log(`groups: ${GROUPS}, parallelism: ${PARALLELISM}, readiness delay: ${READY_DELAY_MS} ms`);
    console.log(`apply wall time: ${applySeconds.toFixed(2)} s; floor ceil(${GROUPS}/${PARALLELISM}) × ${READY_DELAY_MS / 1000} s = ${floor} s`);
    console.log(`API calls during apply: ${calls} (${(calls / GROUPS).toFixed(1)} per group)`);
    console.log(`ratio apply/floor: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? "OK" : "OVER TARGET"}`);
    console.log(`baseline: same stack, provisioner = node sleeping ${READY_DELAY_MS / 1000} s: ${baselineSeconds.toFixed(2)} s (${(baselineSeconds / floor).toFixed(2)}× the floor)`);
    console.log(`ratio apply/baseline: ${(applySeconds / baselineSeconds).toFixed(2)}× (the runtime's own overhead)`);

    const destroyBegin = process.hrtime.bigint();
    await terraform(stackDir, ["destroy", "-auto-approve", "-input=false", `-parallelism=${PARALLELISM}`], env);
    console.log(`destroy wall time: ${(Number(process.hrtime.bigint() - destroyBegin) / 1e9).toFixed(2)} s`);
  } finally {
    await emulator.close();
    rmSync(workdir, { recursive: true, force: true });
  }
}

/** Wall time of `terraform apply` for the same shape of stack whose provisioner only sleeps. */
async function sleepingStackApplySeconds({ App, DataResource, LocalBackend, TerraformStack }) {
  const workdir = mkdtempSync(join(tmpdir(), "dli-bench-apply-baseline-"));
  try {
    const app = new App({ outdir: workdir });
    const stack = new TerraformStack(app, "baseline");
    new LocalBackend(stack, { path: "terraform.tfstate" });
    const sleep = `node -e "setTimeout(() => {}, ${READY_DELAY_MS})"`;
    for (let i = 0; i < GROUPS; i++) {
      const identity = new DataResource(stack, `identity-${i}`, { triggersReplace: { group: `bench-${i}` } });
      const content = new DataResource(stack, `content-${i}`, { triggersReplace: { group: `bench-${i}` }, dependsOn: [identity] });
      content.addOverride("provisioner", [{ "local-exec": { command: sleep } }]);
    }
    app.synth();
    const stackDir = join(workdir, "stacks", "baseline");
    const env = { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    await terraform(stackDir, ["init", "-input=false"], env);
    const begin = process.hrtime.bigint();
    await terraform(stackDir, ["apply", "-auto-approve", "-input=false", `-parallelism=${PARALLELISM}`], env);
    return Number(process.hrtime.bigint() - begin) / 1e9;
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench/apply failed: ${error.message}`);
  process.exit(1);
});
