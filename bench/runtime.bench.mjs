// bench/runtime: (a) API calls per operation for a 20-package group, counted from the
// emulator's request log (each command ends with one verifying read of the group), beside the Terraform provider's per-package pattern; (b) the
// `upload-group` process wall time against the emulator vs `node -e 0` (median of N), as a
// ratio (target ≤ 1.5×: the bundle's load time matters under `terraform apply`), beside the
// floor of such a run, measured in the same rounds: a process that sends only the same two
// signed requests with node:http (bench/support/floor-client.ts).
// Needs `npm run build` (uses dist/). The emulator runs in this process; the CLI is spawned
// asynchronously so the emulator keeps answering.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { emulatorModule, ROOT, runNode, RUNTIME_BUNDLE as bundle, identitySpecEnvironment, specEnvironment } from "./support.mjs";

const { startEmulator } = emulatorModule();
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const PACKAGES = 20;

/** Wall time in ms of `node <args>`; throws when it fails. */
async function run(args, env) {
  const { code, stderr, ms } = await runNode(args, env);
  if (code !== 0) throw new Error(`${args.join(" ")} exited ${code}: ${stderr}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function specEnv(group, paths) {
  return specEnvironment({ group, paths });
}

const emulator = await startEmulator({ port: 0, throttlePerSecond: 0 });
try {
  const paths = Array.from({ length: PACKAGES }, (_, i) => `https://bench-bucket.obs.cn-north-4.myhuaweicloud.com/pkg-${i}.jar`);
  const env = { ...emulator.env, ...specEnv("bench", paths) };

  // (a) API calls per operation
  const count = async (args) => {
    emulator.clearRequests();
    // delete-group runs as the identity's provisioner: with the identity triggers only
    await run([bundle, ...args], args[0] === "delete-group" ? { ...emulator.env, ...identitySpecEnvironment({ group: "bench" }) } : env);
    return emulator.requests().length;
  };
  const upload = await count(["upload-group"]);
  const rerun = await count(["upload-group"]);
  const remove = await count(["delete-group"]);
  console.log(`(a) API calls for a ${PACKAGES}-package group (emulator request log), runtime vs provider per-package pattern`);
  console.log(`    upload-group          ${String(upload).padStart(3)}   provider: ${2 * PACKAGES} (one create + one read per package)   ratio ${(upload / (2 * PACKAGES)).toFixed(3)}`);
  console.log(`    re-run (same spec)    ${String(rerun).padStart(3)}   provider: ${PACKAGES} (refresh reads one per package; terraform does not re-run our provisioner at all: 0)`);
  console.log(`    delete-group          ${String(remove).padStart(3)}   provider: ${2 * PACKAGES} (one read + one delete per package)   ratio ${(remove / (2 * PACKAGES)).toFixed(3)}`);
  const emulatorAsync = await startEmulator({ port: 0, throttlePerSecond: 0, readyDelayMs: 2000 });
  try {
    emulatorAsync.clearRequests();
    const asyncMs = await run([bundle, "upload-group"], { ...emulatorAsync.env, ...specEnv("bench-async", paths) });
    console.log(`    upload-group, 2 s async READY: ${emulatorAsync.requests().length} calls, ${(asyncMs / 1000).toFixed(2)} s wall (floor 2 s + start-up; ratio ${(asyncMs / 2000).toFixed(2)}×)`);
  } finally {
    await emulatorAsync.close();
  }

  // (b) wall time vs node -e 0 and vs the floor, interleaved so machine noise hits all alike
  const floorDir = mkdtempSync(join(tmpdir(), "dli-runtime-floor-"));
  const floor = join(floorDir, "floor-client.js");
  await build({ entryPoints: [join(ROOT, "bench", "support", "floor-client.ts")], outfile: floor, bundle: true, platform: "node", target: "node20", format: "cjs", minify: true, logLevel: "warning" });
  try {
    const baseline = [];
    const runtime = [];
    const floorRuns = [];
    await run(["-e", "0"], {});
    await run([bundle, "upload-group"], env);
    await run([floor], env);
    for (let i = 0; i < RUNS; i++) {
      baseline.push(await run(["-e", "0"], {}));
      runtime.push(await run([bundle, "upload-group"], env));
      floorRuns.push(await run([floor], env));
    }
    const b = median(baseline);
    const r = median(runtime);
    const f = median(floorRuns);
    const ratio = r / b;
    console.log(`(b) upload-group wall time (${PACKAGES} packages, synchronous READY), median of ${RUNS}`);
    console.log(`    node -e 0           ${b.toFixed(1)} ms`);
    console.log(`    upload-group        ${r.toFixed(1)} ms`);
    console.log(`    ratio               ${ratio.toFixed(2)}× (target ≤ 1.5×)   bundle ${(statSync(bundle).size / 1024).toFixed(0)} KiB`);
    console.log(`    floor               ${f.toFixed(1)} ms: node:http sending the same two signed requests, nothing else (${(f / b).toFixed(2)}× node -e 0; upload-group is ${(r / f).toFixed(2)}× it)`);
    if (ratio > 1.5) console.log("    OVER TARGET (docs/benchmarks.md: where the time goes)");
  } finally {
    rmSync(floorDir, { recursive: true, force: true });
  }
} finally {
  await emulator.close();
}
