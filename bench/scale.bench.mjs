// bench/scale: does waiting for READY cost what the group costs, or what the project holds?
// A project already holds N = 10, 100, 1,000 groups of 20 packages; then `upload-group` of 20
// more groups (20 packages each), 10 processes at a time (terraform -parallelism=10), with 3 s
// async readiness, against dli-local throttled at DLI's 200 requests/s per API.
//
// Bytes are counted on the client side: every runtime process talks to a loopback HTTP proxy
// that forwards to the emulator unchanged (the signature covers the Host header the client
// sent, which the proxy keeps) and adds up the status line, headers and body of each answer.
// Printed per N: bytes received and API calls per group, poll rounds (GET resources/{name})
// and listings (GET resources) per group, bytes per poll round and per listing, 429s, and the
// busiest second of each API. Then the ratios N=1,000 / N=10 of bytes per poll round (target
// ≤ 1.2×) and of total bytes per group (reported: the listing after READY is O(N), so it cannot
// be flat). Last, the design this replaced and the alternative, measured in the same run:
// (a) listing the project every round: the same calls, each poll round costing one listing at N;
// (b) one GET per pending package per round: 20 requests per round per process; ten processes
//     polling on the runtime's schedule for 3 s, counted against the 200/s bucket.
// Needs `npm run build` (uses dist/).
import { createServer, request as httpRequest, Agent } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { emulatorModule, ROOT as root, runNode, RUNTIME_BUNDLE as bundle, specEnvironment } from "./support.mjs";

const require = createRequire(import.meta.url);
const { startEmulator } = emulatorModule();
const { openSession } = require(join(root, "dist", "lib", "runtime", "session.js"));
const { pollInterval } = require(join(root, "dist", "lib", "runtime", "wait-until-ready.js"));
const { DliClient } = require(join(root, "dist", "lib", "runtime", "dli-client.js"));
const { credentialsFromEnvironment } = require(join(root, "dist", "lib", "runtime", "credentials.js"));
const { buildQuery } = require(join(root, "dist", "lib", "runtime", "signer", "index.js"));

const SIZES = (process.env.BENCH_SCALE_SIZES ?? "10,100,1000").split(",").map(Number);
const PACKAGES = 20;
const UPLOADS = 20;
const PARALLELISM = 10;
const READY_DELAY_MS = 3000;
const DLI_RATE_PER_API = 200;
const TARGET_POLL_RATIO = 1.2;
const quiet = { step() {} };
const obs = (group, i) => `https://bench-bucket.obs.cn-north-4.myhuaweicloud.com/${group}/pkg-${i}.jar`;
const pathsOf = (group) => Array.from({ length: PACKAGES }, (_, i) => obs(group, i));

/** What kind of call a request is, from its method and path (dli-api.md §1). */
function classify(method, path) {
  if (method === "GET" && /\/resources\/?$/.test(path)) return "list";
  if (method === "GET" && /\/resources\/[^/]+$/.test(path)) return "show";
  if (method === "POST") return "upload";
  if (method === "DELETE") return "delete";
  return "other";
}

/** A loopback proxy that counts the bytes of every answer, by kind of call. */
async function countingProxy(target) {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = new Map();
  const server = createServer((req, res) => {
    const kind = classify(req.method, req.url.split("?")[0]);
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
      let bytes = Buffer.byteLength(`HTTP/1.1 ${up.statusCode} ${up.statusMessage}\r\n`) + 2;
      for (let i = 0; i < up.rawHeaders.length; i += 2) bytes += Buffer.byteLength(`${up.rawHeaders[i]}: ${up.rawHeaders[i + 1]}\r\n`);
      res.writeHead(up.statusCode, up.statusMessage, up.rawHeaders);
      up.on("data", (chunk) => (bytes += chunk.length));
      up.on("end", () => {
        const c = counts.get(kind) ?? { calls: 0, bytes: 0 };
        c.calls++;
        c.bytes += bytes;
        counts.set(kind, c);
      });
      up.pipe(res);
    });
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    reset: () => counts.clear(),
    close: () => new Promise((resolve) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

async function run(env) {
  const { code, stderr } = await runNode([bundle, "upload-group"], env);
  if (code !== 0) throw new Error(`upload-group ${JSON.parse(env.DLI_PACKAGES_SPEC).group} exited ${code}:\n${stderr.slice(-2000)}`);
}

function specEnv(group) {
  return specEnvironment({ group, paths: pathsOf(group), waitTimeoutSeconds: 120 });
}

/** `limit` at a time, like terraform -parallelism. */
async function pool(items, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** The most requests of one API within any one second of the emulator's request log. */
function busiestSecond(requests) {
  const byApi = new Map();
  for (const r of requests) {
    if (!byApi.has(r.api)) byApi.set(r.api, []);
    byApi.get(r.api).push(Date.parse(r.at));
  }
  const out = {};
  for (const [api, times] of byApi) {
    times.sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1000) j++;
      best = Math.max(best, i - j + 1);
    }
    out[api] = best;
  }
  return out;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function measure(emulator, proxy, session, n) {
  emulator.reset();
  emulator.configure({ readyDelayMs: 0, throttlePerSecond: 0 });
  const existing = Array.from({ length: n }, (_, i) => `existing-${i}`);
  await pool(existing, 16, (group) => session.client.uploadGroup("jar", group, pathsOf(group)));
  emulator.configure({ readyDelayMs: READY_DELAY_MS, throttlePerSecond: DLI_RATE_PER_API });
  emulator.clearRequests();
  proxy.reset();
  const groups = Array.from({ length: UPLOADS }, (_, i) => `bench-${i}`);
  const started = performance.now();
  await pool(groups, PARALLELISM, (group) => run({ ...emulator.env, HW_DLI_ENDPOINT: proxy.url, ...specEnv(group) }));
  const seconds = (performance.now() - started) / 1000;
  const live = new Map(emulator.groups().map((g) => [g.group, g]));
  for (const group of groups) {
    const g = live.get(group);
    if (!g || g.packages.length !== PACKAGES || g.packages.some((p) => p.status !== "READY")) throw new Error(`${group} is not exact and READY after upload-group`);
  }
  const get = (kind) => proxy.counts.get(kind) ?? { calls: 0, bytes: 0 };
  const all = [...proxy.counts.values()].reduce((a, c) => ({ calls: a.calls + c.calls, bytes: a.bytes + c.bytes }), { calls: 0, bytes: 0 });
  const requests = emulator.requests();
  return {
    n,
    seconds,
    bytesPerGroup: all.bytes / UPLOADS,
    callsPerGroup: all.calls / UPLOADS,
    pollsPerGroup: get("show").calls / UPLOADS,
    listingsPerGroup: get("list").calls / UPLOADS,
    bytesPerPoll: get("show").bytes / Math.max(1, get("show").calls),
    bytesPerListing: get("list").bytes / Math.max(1, get("list").calls),
    throttled: requests.filter((r) => r.status === 429).length,
    busiest: busiestSecond(requests),
  };
}

/**
 * A DliClient whose every request is one signed attempt and nothing else: no retry, no pacing.
 * Design (b) measures what the polling asks of the service, so a 429 is counted, not waited out
 * (the runtime's transport waits out 429s without limit on attempts, and paces the process).
 */
function oneAttemptClient(env, endpoint, projectId) {
  const credentials = credentialsFromEnvironment(env);
  const agent = new Agent({ keepAlive: true });
  const transport = {
    send: (target, request) =>
      new Promise((resolve, reject) => {
        const path = target.pathname.replace(/\/+$/, "") + request.path;
        const query = request.query ? buildQuery(request.query) : "";
        const unsigned = { host: target.host, "content-type": "application/json" };
        const headers = credentials.authorize({ method: request.method, path, query, headers: unsigned, projectId: request.projectId });
        const req = httpRequest({ host: target.hostname, port: target.port, method: request.method, path: query ? `${path}?${query}` : path, headers, agent }, (res) => {
          const chunks = [];
          res.on("data", (chunk) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8"), attempts: 1 }));
        });
        req.on("error", reject);
        req.end();
      }),
    close: async () => agent.destroy(),
  };
  return { client: new DliClient(transport, endpoint, projectId), close: transport.close };
}

/** Design (b): every process GETs each of its 20 pending packages per round, on the runtime's schedule. */
async function perPackagePolling(emulator, session) {
  emulator.reset();
  emulator.configure({ readyDelayMs: READY_DELAY_MS, throttlePerSecond: 0 });
  const groups = Array.from({ length: PARALLELISM }, (_, i) => `per-package-${i}`);
  for (const group of groups) await session.client.uploadGroup("jar", group, pathsOf(group));
  emulator.configure({ throttlePerSecond: DLI_RATE_PER_API });
  emulator.clearRequests();
  const names = Array.from({ length: PACKAGES }, (_, i) => `pkg-${i}.jar`);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  await Promise.all(
    groups.map(async (group) => {
      // One client per process, as each provisioner is its own process.
      const poller = oneAttemptClient(emulator.env, session.endpoint, session.client.projectId);
      try {
        for (let round = 0, waited = 0; waited < READY_DELAY_MS; round++) {
          const ms = pollInterval(round);
          await sleep(ms);
          waited += ms;
          // A 429 answer makes showPackage throw: it is counted from the emulator's log below.
          await Promise.all(names.map((name) => poller.client.showPackage(name, group).catch(() => undefined)));
        }
      } finally {
        await poller.close();
      }
    }),
  );
  const requests = emulator.requests();
  const unexpected = requests.filter((r) => r.status !== 200 && r.status !== 429);
  if (unexpected.length > 0) throw new Error(`(b): ${unexpected.length} answers neither 200 nor 429, e.g. HTTP ${unexpected[0].status} (the one-attempt client's requests are wrong)`);
  return { requests: requests.length, throttled: requests.filter((r) => r.status === 429).length, busiest: busiestSecond(requests).ShowJobResource ?? 0 };
}

const emulator = await startEmulator({ port: 0, throttlePerSecond: 0 });
const proxy = await countingProxy(emulator.url);
const session = await openSession({ region: "cn-north-4", env: { ...emulator.env }, progress: quiet });
try {
  console.log(`upload-group of ${UPLOADS} groups × ${PACKAGES} packages, ${PARALLELISM} at a time, ${READY_DELAY_MS / 1000} s async READY, emulator at ${DLI_RATE_PER_API} req/s per API`);
  console.log(`  N groups   bytes/group  calls/group  polls/group  listings/group  bytes/poll  bytes/listing   429s  busiest second (req/s per API)            wall`);
  const results = [];
  for (const n of SIZES) {
    const r = await measure(emulator, proxy, session, n);
    results.push(r);
    const busiest = Object.entries(r.busiest).map(([api, count]) => `${api.replace(/JobResources?$/, "")} ${count}`).join(", ");
    console.log(
      `  ${String(n).padStart(7)}  ${mb(r.bytesPerGroup).padStart(11)}  ${r.callsPerGroup.toFixed(1).padStart(11)}  ${r.pollsPerGroup.toFixed(1).padStart(11)}  ${r.listingsPerGroup.toFixed(1).padStart(14)}  ${`${r.bytesPerPoll.toFixed(0)} B`.padStart(10)}  ${kb(r.bytesPerListing).padStart(13)}  ${String(r.throttled).padStart(5)}  ${busiest.padEnd(42)} ${r.seconds.toFixed(1).padStart(5)} s`,
    );
  }
  const small = results.find((r) => r.n === Math.min(...SIZES));
  const large = results.find((r) => r.n === Math.max(...SIZES));
  const pollRatio = large.bytesPerPoll / small.bytesPerPoll;
  const totalRatio = large.bytesPerGroup / small.bytesPerGroup;
  console.log(`  ratio N=${large.n} / N=${small.n}: bytes per poll round ${pollRatio.toFixed(2)}× (target ≤ ${TARGET_POLL_RATIO}×)${pollRatio > TARGET_POLL_RATIO ? "  OVER TARGET" : ""}`);
  console.log(`  ratio N=${large.n} / N=${small.n}: total bytes per group ${totalRatio.toFixed(1)}× (the listing read once READY holds every group of the project: O(N))`);
  const maxBusiest = Math.max(...results.flatMap((r) => Object.values(r.busiest)));
  console.log(`  busiest second of any API: ${maxBusiest} req/s (DLI limit ${DLI_RATE_PER_API}); 429s: ${results.reduce((a, r) => a + r.throttled, 0)}`);

  console.log(`designs not taken, measured in this run:`);
  // The same calls with every poll round a listing instead of one package.
  const listingEveryRound = large.bytesPerGroup + large.pollsPerGroup * (large.bytesPerListing - large.bytesPerPoll);
  console.log(
    `  (a) list the project every round (the previous design): ${large.pollsPerGroup.toFixed(1)} rounds × ${kb(large.bytesPerListing)} → ${mb(listingEveryRound)} per group at N=${large.n}, vs ${mb(large.bytesPerGroup)} now (${(listingEveryRound / large.bytesPerGroup).toFixed(1)}×); a round costs ${(large.bytesPerListing / small.bytesPerListing).toFixed(0)}× more at N=${large.n} than at N=${small.n}`,
  );
  const b = await perPackagePolling(emulator, session);
  console.log(
    `  (b) one GET per pending package per round: ${PARALLELISM} processes × ${PACKAGES} packages → ${b.requests} requests in ${READY_DELAY_MS / 1000} s, busiest second ${b.busiest} req/s on ShowJobResource, ${b.throttled} answered 429 (limit ${DLI_RATE_PER_API}/s)`,
  );
} finally {
  await session.close();
  await proxy.close();
  await emulator.close();
}
