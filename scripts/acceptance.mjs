// `npm run test:acceptance`: the user-level scenarios under real terraform, end to end
// (docs/acceptance.md).
//
//   npm run test:acceptance                              against dli-local, started by the suite
//   DLI_ACCEPTANCE=live … npm run test:acceptance        against a real DLI project (see the doc)
//   npm run test:acceptance -- --record <file>           also write the run's requests and answers,
//                                                        without secrets, ids normalized
//   npm run test:acceptance -- cleanup <run id>          delete what a dead live run left
//   npm run test:acceptance -- replay <file>             compare a recording's answers with dli-local's
//
// Runs jest (jest.acceptance.config.js) in its own process group; on SIGINT/SIGTERM/SIGHUP it
// stops jest and everything jest started, then cleans up. A live run always ends with a cleanup
// of its run prefix, whatever happened. Exit: jest's code (1 on any failure), 2 for a refusal
// or a usage error, 130/143 when interrupted, 1 when the cleanup failed.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const say = (line) => console.log(line);
const fail = (line, code = 2) => {
  console.error(`acceptance: ${line}`);
  process.exit(code);
};

if (!existsSync(join(root, "dist", "runtime", "dli-packages.js")) || !existsSync(join(root, "dist", "lib", "index.js"))) {
  fail("dist/ is not built: run `npm run build` first (`npm ci` builds it)");
}
const { planRun, describePlan, runPrefix, AcceptanceRefusal, RUN_ID_RULE } = require("./acceptance/plan.cjs");
const { cleanupRun, cleanupObjects } = require("./acceptance/cleanup.cjs");
const recording = require("./acceptance/recording.cjs");

const args = process.argv.slice(2);
const command = args[0] === "cleanup" || args[0] === "replay" ? args.shift() : "run";

function plan(runId) {
  try {
    return planRun(process.env, runId);
  } catch (error) {
    if (error instanceof AcceptanceRefusal) fail(`refused: ${error.message}`);
    throw error;
  }
}

if (command === "cleanup") await cleanupCommand();
else if (command === "replay") await replayCommand();
else await runCommand();

async function cleanupCommand() {
  if (args.length !== 1) fail(`usage: npm run test:acceptance -- cleanup <run id> (${RUN_ID_RULE})`);
  const runId = args[0];
  try {
    runPrefix(runId);
  } catch (error) {
    fail(error.message);
  }
  const run = plan(runId);
  if (run.mode !== "live") fail("cleanup is for live runs: set the variables of the run (DLI_ACCEPTANCE=live, its credentials, DLI_ACCEPTANCE_REGION, DLI_ACCEPTANCE_STAGING); a local run leaves nothing behind");
  say(`acceptance: cleaning up run ${runId}: package groups ${run.prefix}* in region ${run.region}, project ${run.projectId ?? "(resolved from IAM)"}, and OBS objects under ${run.staging}${run.prefix}`);
  try {
    const deleted = await cleanupRun({ env: run.env, region: run.region, prefix: run.prefix, say });
    const objects = await cleanupObjects({ env: run.env, staging: run.staging, prefix: run.prefix, say });
    say(`acceptance: cleanup of run ${runId} done: ${deleted.length} group(s) and ${objects} OBS object(s) deleted`);
  } catch (error) {
    fail(`cleanup of run ${runId} failed: ${error.message}; run the same command again`, 1);
  }
}

async function replayCommand() {
  if (args.length !== 1) fail("usage: npm run test:acceptance -- replay <recording.json>");
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(resolve(args[0]), "utf8"));
  } catch (error) {
    fail(`cannot read recording ${args[0]}: ${error.message}`);
  }
  const result = await recording.replay(recorded);
  for (const line of result.differences) say(`difference: ${line}`);
  say(`acceptance: replay of ${args[0]}: ${result.compared} answer(s) compared with dli-local, ${result.skipped.length} skipped, ${result.differences.length} difference(s)`);
  process.exit(result.differences.length === 0 && result.compared > 0 ? 0 : 1);
}

/** The project id IAM names for the run's region (the runtime's own lookup). */
async function resolveProject(run) {
  const { openSession } = require(join(root, "dist", "lib", "runtime", "session.js"));
  const { silentProgress } = require(join(root, "dist", "lib", "runtime", "progress.js"));
  const session = await openSession({ region: run.region, env: run.env, progress: silentProgress });
  try {
    return session.client.projectId;
  } finally {
    await session.close();
  }
}

async function runCommand() {
  let recordFile;
  const jestArgs = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--record") {
      if (!args[i + 1]) fail("--record needs a file name: npm run test:acceptance -- --record <file>");
      recordFile = resolve(args[++i]);
    } else jestArgs.push(args[i]);
  }
  // A fixed run id (DLI_ACCEPTANCE_RUN_ID, e.g. CI's run number) lets a later step clean it up.
  const run = plan(process.env.DLI_ACCEPTANCE_RUN_ID || undefined);
  const workdir = join(root, ".tmp", "acceptance", run.runId);
  mkdirSync(workdir, { recursive: true });
  const exchanges = join(workdir, "exchanges.jsonl");
  // This process's own requests (the project lookup, the final cleanup) belong to the recording.
  require("./acceptance/recorder.cjs").install(exchanges);
  if (run.mode === "live" && !run.projectId) {
    // Say which project before creating anything in it; the credentials are tried on the way.
    try {
      run.projectId = await resolveProject(run);
      run.env.HW_PROJECT_ID = run.projectId;
      run.projectSource = `resolved from IAM for ${run.region}`;
    } catch (error) {
      fail(`cannot resolve the project of region ${run.region} with these credentials: ${error.message}; nothing was created`, 1);
    }
  }
  for (const line of describePlan(run)) say(line);

  // A live run runs the scenarios only: the other files test this script against dli-local.
  if (run.mode === "live" && jestArgs.length === 0) jestArgs.push("test/acceptance/scenarios.test.ts");
  const started = Date.now();
  const jest = spawn(process.execPath, [join(root, "node_modules", "jest", "bin", "jest.js"), "--config", join(root, "jest.acceptance.config.js"), "--runInBand", ...jestArgs], {
    cwd: root,
    env: { ...run.env, DLI_ACCEPTANCE_RUN_ID: run.runId, DLI_ACCEPTANCE_WORKDIR: workdir, DLI_ACCEPTANCE_EXCHANGES: exchanges },
    stdio: "inherit",
    detached: true, // its own process group: an interrupt stops jest, terraform and the provisioners together
  });
  let interrupted;
  const stop = (signal) => {
    if (interrupted) return;
    interrupted = signal;
    say(`acceptance: ${signal}: stopping the run${run.mode === "live" ? ", then cleaning up" : ""}`);
    const group = (sig) => {
      try {
        process.kill(-jest.pid, sig);
      } catch {
        // Already gone.
      }
    };
    group("SIGTERM");
    setTimeout(() => group("SIGKILL"), 15_000).unref();
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal));
  const code = await new Promise((resolveExit) => jest.on("close", (exitCode, signal) => resolveExit(exitCode ?? (signal ? 1 : 0))));
  // Whatever jest left of its process group (a terraform it did not wait for) goes too.
  try {
    process.kill(-jest.pid, "SIGKILL");
  } catch {
    // Nothing left.
  }

  let cleanupFailed = false;
  if (run.mode === "live") {
    try {
      const deleted = await cleanupRun({ env: run.env, region: run.region, prefix: run.prefix, say });
      const objects = await cleanupObjects({ env: run.env, staging: run.staging, prefix: run.prefix, say });
      say(`acceptance: cleanup: ${deleted.length + objects === 0 ? "nothing of the run was left" : `${deleted.length} group(s) and ${objects} OBS object(s) of the run deleted`}`);
    } catch (error) {
      cleanupFailed = true;
      console.error(`acceptance: cleanup failed: ${error.message}; run: npm run test:acceptance -- cleanup ${run.runId}`);
    }
  }
  if (recordFile) {
    const secrets = ["HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK", "HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_AUTH_TOKEN", "HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"].map((n) => run.env[n]).filter(Boolean);
    const recorded = recording.normalize(recording.readExchanges(exchanges), { runId: run.runId, staging: run.staging, region: run.region ?? "cn-north-4", mode: run.mode, secrets });
    mkdirSync(dirname(recordFile), { recursive: true });
    writeFileSync(recordFile, `${JSON.stringify(recorded, null, 2)}\n`);
    say(`acceptance: recorded ${recorded.exchanges.length} exchange(s) to ${recordFile} (secrets removed, ids normalized); compare with dli-local: npm run test:acceptance -- replay ${args[args.indexOf("--record") + 1]}`);
  }
  // A passed run's exchanges are not needed any more; a failed one's stay for a look.
  if (!interrupted && code === 0 && !cleanupFailed) rmSync(workdir, { recursive: true, force: true });
  else say(`acceptance: the run's requests and answers (raw, secrets removed): ${exchanges}`);
  say(`acceptance: run ${run.runId} ${interrupted ? `interrupted (${interrupted})` : code === 0 ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(interrupted ? (interrupted === "SIGINT" ? 130 : 143) : cleanupFailed ? 1 : code);
}
