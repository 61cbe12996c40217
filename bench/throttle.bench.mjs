// bench/throttle: throttling must not fail an apply (issue 11 §2). 50 concurrent `upload-group`
// processes against the emulator throttled at 20 req/s and at 5 req/s (token bucket per caller
// and API, 429 APIGW.0308, no Retry-After), and 50 concurrent `delete-group` at 20 req/s; groups
// of 1–30 packages, 500 ms async READY, default retry bounds. Prints, for each: how many
// processes succeeded on the first try (target 50/50), whether every group is exact, and the
// wall time against the throttle floor (total requests ÷ rate, 429s not counted) as a ratio
// (target ≤ 1.5×), beside the floor of the busiest API's own bucket (the emulator, like APIG,
// throttles per API, so total ÷ rate is the yardstick, not a hard lower bound).
// BENCH_ONLY=1 runs the delete scenario alone; BENCH_TIMELINE=1 prints served requests per 5 s.
// Needs `npm run build` (uses dist/). The emulator runs in this process; the
// CLIs are spawned asynchronously so it keeps answering.
import { emulatorModule, runNode, RUNTIME_BUNDLE as bundle, identitySpecEnvironment, specEnvironment } from "./support.mjs";

const { startEmulator } = emulatorModule();
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 50);
const READY_DELAY_MS = 500;

const run = (command, env) => runNode([bundle, command], env);

/** Deterministic group sizes spread over 1–30 (mean ~15.5). */
const sizes = Array.from({ length: PROCESSES }, (_, i) => 1 + ((i * 17) % 30));
const pathsOf = (i) => Array.from({ length: sizes[i] }, (_, k) => `https://bench-bucket.obs.cn-north-4.myhuaweicloud.com/g${i}/pkg-${k}.jar`);
const groupOf = (i) => `throttle-${String(i).padStart(2, "0")}`;

function specEnv(i) {
  return specEnvironment({ group: groupOf(i), paths: pathsOf(i), waitTimeoutSeconds: 1800 });
}

/** Every group holds exactly its packages, READY (after uploads) or is gone (after deletes). */
function exactGroups(emulator, expectGone) {
  const live = new Map(emulator.groups().map((g) => [g.group, g.packages.map((p) => `${p.name}:${String(p.status).toUpperCase()}`).sort().join(",")]));
  let exact = 0;
  for (let i = 0; i < PROCESSES; i++) {
    const want = expectGone ? undefined : pathsOf(i).map((p) => `${p.split("/").pop()}:READY`).sort().join(",");
    if (live.get(groupOf(i)) === want) exact++;
  }
  return exact;
}

async function scenario(emulator, label, command, rate) {
  emulator.clearRequests();
  emulator.configure({ throttlePerSecond: rate, readyDelayMs: READY_DELAY_MS });
  const started = performance.now();
  const results = await Promise.all(
    sizes.map((_, i) => run(command, { ...emulator.env, ...(command === "delete-group" ? identitySpecEnvironment({ group: groupOf(i) }) : specEnv(i)) })),
  );
  const wallMs = performance.now() - started;
  emulator.configure({ throttlePerSecond: 0 });
  const log = emulator.requests();
  const served = log.filter((r) => r.status !== 429);
  const throttled = log.length - served.length;
  const perApi = new Map();
  for (const r of served) perApi.set(r.api, (perApi.get(r.api) ?? 0) + 1);
  const [busiestApi, busiestCount] = [...perApi.entries()].sort((a, b) => b[1] - a[1])[0];
  const floorMs = (served.length / rate) * 1000;
  const firstTry = results.filter((r) => r.code === 0).length;
  const exact = exactGroups(emulator, command === "delete-group");
  const ratio = wallMs / floorMs;
  console.log(`${label}`);
  console.log(`    first try      ${firstTry}/${PROCESSES} exit 0 (target ${PROCESSES}/${PROCESSES})`);
  console.log(`    groups exact   ${exact}/${PROCESSES}`);
  console.log(`    requests       ${served.length} served + ${throttled} answered 429 (${(throttled / served.length).toFixed(2)} per served request)`);
  console.log(`    wall time      ${(wallMs / 1000).toFixed(1)} s vs throttle floor ${(floorMs / 1000).toFixed(1)} s (${served.length} requests ÷ ${rate}/s)`);
  console.log(`    ratio          ${ratio.toFixed(2)}× (target ≤ 1.5×)${ratio > 1.5 ? "   OVER TARGET" : ""}   [buckets are per API: the busiest, ${busiestApi}, served ${busiestCount} requests, its own floor ${(busiestCount / rate).toFixed(1)} s → ${(wallMs / ((busiestCount / rate) * 1000)).toFixed(2)}×]`);
  for (const failed of results.filter((r) => r.code !== 0).slice(0, 3)) console.log(`    failure: ${failed.stderr.trim().split("\n").pop()}`);
  if (process.env.BENCH_TIMELINE) {
    // served requests per 5 s window, to see where the wall time goes
    const t0 = Date.parse(log[0].at);
    const windows = [];
    for (const r of served) windows[Math.floor((Date.parse(r.at) - t0) / 5000)] = (windows[Math.floor((Date.parse(r.at) - t0) / 5000)] ?? 0) + 1;
    console.log(`    served per 5 s: ${Array.from(windows, (n) => n ?? 0).join(" ")}`);
  }
  return firstTry === PROCESSES && exact === PROCESSES;
}

const emulator = await startEmulator({ port: 0, throttlePerSecond: 0, readyDelayMs: READY_DELAY_MS });
let ok = true;
try {
  console.log(`${PROCESSES} processes, groups of 1–30 packages (${sizes.reduce((a, b) => a + b, 0)} packages), ${READY_DELAY_MS} ms async READY, default retry bounds, one AK`);
  const only = process.env.BENCH_ONLY;
  if (!only) ok = (await scenario(emulator, `upload-group ×${PROCESSES} at 20 req/s`, "upload-group", 20)) && ok;
  emulator.reset();
  if (!only) ok = (await scenario(emulator, `upload-group ×${PROCESSES} at 5 req/s`, "upload-group", 5)) && ok;
  else await scenario(emulator, `set-up: upload-group ×${PROCESSES} unthrottled`, "upload-group", 100000);
  // the groups from the 5 req/s run are in place: delete them all at 20 req/s
  ok = (await scenario(emulator, `delete-group ×${PROCESSES} at 20 req/s`, "delete-group", 20)) && ok;
} finally {
  await emulator.close();
}
process.exit(ok ? 0 : 1);
