// bench/drift-check: what `dli-packages check` (the program of PackageGroupDriftCheck's
// data "external", issue 25) costs a plan, for a stack of 10 and of 1,000 groups in one project
// that already holds them: API calls (emulator request log; target: the same at both sizes, one
// listing) and the process's wall time (median of N), against the floor of that run measured in
// the same rounds: `dli-packages ls --json`, one process sending the same one listing.
// Needs `npm run build` (uses dist/). The emulator runs in this process; the CLI is spawned.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { emulatorModule, ROOT, RUNTIME_BUNDLE as bundle } from "./support.mjs";

const require = createRequire(import.meta.url);
const { openSession } = require(join(ROOT, "dist", "lib", "runtime", "session.js"));
const { specToTriggers, terraformJsonEncode } = { ...require(join(ROOT, "dist", "lib", "contract", "index.js")), ...require(join(ROOT, "dist", "lib", "contract", "terraform-json.js")) };
const { startEmulator } = emulatorModule();
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SIZES = [10, 1000];
const quiet = { step() {} };

/** `node <args>` with `input` on stdin; resolves with exit code, stdout and wall ms. */
function runWithInput(args, env, input) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    child.stdin.end(input);
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const pathsOf = (group) => [`https://bench-bucket.obs.cn-north-4.myhuaweicloud.com/${group}/main.jar`, `https://bench-bucket.obs.cn-north-4.myhuaweicloud.com/${group}/helper.py`];

const emulator = await startEmulator({ port: 0, throttlePerSecond: 0 });
const session = await openSession({ region: "cn-north-4", env: { ...emulator.env }, progress: quiet });
try {
  const groups = Array.from({ length: Math.max(...SIZES) }, (_, i) => `bench-${String(i).padStart(4, "0")}`);
  for (let i = 0; i < groups.length; i += 16) await Promise.all(groups.slice(i, i + 16).map((g) => session.client.uploadGroup("jar", g, pathsOf(g))));
  console.log(`project holding ${groups.length} groups × 2 packages; check of a stack declaring N of them (all in sync), median of ${RUNS} runs`);
  const rows = {};
  for (const n of SIZES) {
    const query = JSON.stringify(
      Object.fromEntries(groups.slice(0, n).map((g) => [`null_resource.${g.replace(/-/g, "_")}_content_0A1B2C3D`, terraformJsonEncode(specToTriggers({ schemaVersion: "1", kind: "jar", group: g, paths: pathsOf(g), region: "cn-north-4", waitTimeoutSeconds: 60, removalPolicy: "destroy" }))])),
    );
    const checkMs = [];
    const lsMs = [];
    let calls;
    let result;
    for (let run = 0; run < RUNS; run++) {
      emulator.clearRequests();
      const check = await runWithInput([bundle, "check"], emulator.env, query);
      if (check.code !== 0 || check.stderr !== "") throw new Error(`check exited ${check.code}: ${check.stderr}`);
      calls = emulator.requests().map((r) => `${r.method} ${r.api}`);
      result = JSON.parse(check.stdout);
      if (result.error !== "") throw new Error(`check reported: ${result.error}`);
      checkMs.push(check.ms);
      const ls = await runWithInput([bundle, "ls", "--json"], emulator.env, "");
      if (ls.code !== 0) throw new Error(`ls exited ${ls.code}: ${ls.stderr}`);
      lsMs.push(ls.ms);
    }
    rows[n] = { calls: calls.length, checkMs: median(checkMs), lsMs: median(lsMs) };
    console.log(
      `  N = ${String(n).padStart(4)}: ${calls.length} call(s) (${[...new Set(calls)].join(", ")}); query ${(query.length / 1024).toFixed(1)} KiB, result ${(JSON.stringify(result).length / 1024).toFixed(1)} KiB; ` +
        `check ${rows[n].checkMs.toFixed(1)} ms, ls --json (same listing, the floor) ${rows[n].lsMs.toFixed(1)} ms: ${(rows[n].checkMs / rows[n].lsMs).toFixed(2)}×`,
    );
  }
  const [small, large] = SIZES;
  console.log(`calls N=${large} / N=${small}: ${(rows[large].calls / rows[small].calls).toFixed(2)}× (target 1.00×)`);
  if (rows[large].calls !== rows[small].calls) process.exitCode = 1;
} finally {
  await session.close();
  await emulator.close();
}
