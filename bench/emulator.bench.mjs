// bench/emulator: signed `GET /v2.0/{project}/resources` requests per second against dli-local
// on loopback, beside a bare node:http hello-world measured in the same run, printed as a ratio.
//
// Each server runs in its own child process (so the load generator does not steal its CPU);
// the client is an undici Pool (keep-alive, 16 connections, 64 requests in flight). The signed
// headers are computed once (X-Sdk-Date stays valid for 15 minutes), so the figure is the
// server's cost: routing, SHA-256 of the body, canonical request, HMAC, JSON answer, request log.
// Needs `npm run build` (uses dist/).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { Pool } = require("undici");

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const WARMUP_MS = 500;
const CONNECTIONS = 16;
const IN_FLIGHT = 64;
const ROUNDS = 2;

const emulatorIndex = join(root, "dist", "lib", "emulator", "index.js");
const signerIndex = join(root, "dist", "lib", "runtime", "signer", "index.js");

const HELLO = `
const http = require("node:http");
const server = http.createServer((req, res) => { res.writeHead(200, { "Content-Type": "text/plain" }); res.end("hello"); });
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ url: "http://127.0.0.1:" + server.address().port })));
`;
const EMULATOR = `
const { startEmulator } = require(${JSON.stringify(emulatorIndex)});
startEmulator({ port: 0, throttlePerSecond: 0 }).then((e) => {
  console.log(JSON.stringify({ url: e.url, env: e.env }));
});
`;

function startServer(source) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", source], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ child, ...JSON.parse(line) });
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
}

async function measure(url, path, headers) {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  let done = 0;
  let failures = 0;
  let counting = false;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const res = await pool.request({ method: "GET", path, headers });
      await res.body.text();
      if (counting) {
        if (res.statusCode === 200) done++;
        else failures++;
      }
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, worker);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  counting = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  counting = false;
  const elapsed = performance.now() - started;
  stop = true;
  await Promise.all(workers);
  await pool.close();
  if (failures > 0) throw new Error(`${failures} non-200 answers from ${url}${path}`);
  return (done / elapsed) * 1000;
}

async function seed(url, env, signRequest) {
  const base = `/v2.0/${env.HW_PROJECT_ID}/resources`;
  for (let g = 0; g < 5; g++) {
    const body = JSON.stringify({
      paths: Array.from({ length: 4 }, (_, p) => `https://bench.obs.cn-north-4.myhuaweicloud.com/g${g}/p${p}.jar`),
      group: `group-${g}`,
    });
    const path = `${base}/jars`;
    const headers = signRequest(
      { method: "POST", path, query: "", headers: { "content-type": "application/json", host: new URL(url).host }, body },
      { accessKey: env.HW_ACCESS_KEY, secretKey: env.HW_SECRET_KEY },
      new Date(),
    );
    const res = await fetch(`${url}${path}`, { method: "POST", headers, body });
    if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  }
}

async function main() {
  if (!existsSync(emulatorIndex)) throw new Error(`${emulatorIndex} is missing: run \`npm run build\` first`);
  const { signRequest } = require(signerIndex);
  const hello = await startServer(HELLO);
  const emulator = await startServer(EMULATOR);
  try {
    // A realistic listing to answer: 5 groups of 4 packages (about 5 KB of JSON).
    await seed(emulator.url, emulator.env, signRequest);
    const path = `/v2.0/${emulator.env.HW_PROJECT_ID}/resources`;
    const signed = signRequest(
      { method: "GET", path, query: "", headers: { host: new URL(emulator.url).host } },
      { accessKey: emulator.env.HW_ACCESS_KEY, secretKey: emulator.env.HW_SECRET_KEY },
      new Date(),
    );
    let best = { hello: 0, emulator: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const h = await measure(hello.url, "/", {});
      const e = await measure(emulator.url, path, signed);
      console.log(`round ${round}: hello-world ${h.toFixed(0)} req/s, dli-local signed GET resources ${e.toFixed(0)} req/s`);
      best = { hello: Math.max(best.hello, h), emulator: Math.max(best.emulator, e) };
    }
    console.log(
      `bench/emulator: dli-local ${best.emulator.toFixed(0)} req/s vs node:http hello-world ${best.hello.toFixed(0)} req/s ` +
        `→ ratio ${(best.emulator / best.hello).toFixed(2)} (best of ${ROUNDS} rounds, ${DURATION_MS} ms each, ${IN_FLIGHT} in flight over ${CONNECTIONS} keep-alive connections)`,
    );
  } finally {
    hello.child.removeAllListeners("exit");
    emulator.child.removeAllListeners("exit");
    hello.child.kill();
    emulator.child.kill();
  }
}

main().catch((error) => {
  console.error(`bench/emulator failed: ${error.stack ?? error}`);
  process.exit(1);
});
