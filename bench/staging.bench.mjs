// bench/staging: staging a 300 MB local file into dli-local's OBS (issue 24).
//   (a) throughput: `upload-group` of a group holding the file (check the file, HEAD, multipart
//       upload with Content-MD5 per part, complete, read back, then the DLI upload), as the
//       provisioner runs it, against a plain node:http PUT of the same bytes to the same emulator
//       (bench/support/plain-put.cjs: streamed, signed, nothing else) — both whole child
//       processes, alternated, median of N; ratio target ≤ 1.2×.
//       Also against the work the protocol requires (bench/support/hashed-multipart.cjs: MD5
//       per part, SHA-256 of the file, nothing else), which shows what is hashing and what is ours.
//   (b) peak RSS of that upload-group process (the kernel's VmHWM, bench/support/peak-rss.cjs);
//       target < 150 MB whatever the file size.
// The emulator runs in this process and keeps objects on disk. Needs `npm run build` (dist/).
import { createHash, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulatorModule, ROOT, runNode, RUNTIME_BUNDLE } from "./support.mjs";

const { startEmulator } = emulatorModule();
const require = createRequire(import.meta.url);
const { specToTriggers, SPEC_SCHEMA_VERSION } = require(join(ROOT, "dist", "lib", "contract", "index.js"));
const { stagedObjectUrl } = require(join(ROOT, "dist", "lib", "contract", "staging.js"));

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZE = Number(process.env.BENCH_STAGING_BYTES ?? 300 * 1000 * 1000);
const BUCKET = "bench-staging";
const STAGING = `https://${BUCKET}.obs.cn-north-4.myhuaweicloud.com/dli-staging/`;
const PEAK_RSS = join(ROOT, "bench", "support", "peak-rss.cjs");
const PLAIN_PUT = join(ROOT, "bench", "support", "plain-put.cjs");
const HASHED_MULTIPART = join(ROOT, "bench", "support", "hashed-multipart.cjs");

/** Staging settings to try (DLI_PACKAGES_PART_BYTES, …), passed on when set. */
const STAGING_SETTINGS = Object.fromEntries(
  ["DLI_PACKAGES_MULTIPART_THRESHOLD_BYTES", "DLI_PACKAGES_PART_BYTES", "DLI_PACKAGES_PART_CONCURRENCY"].filter((n) => process.env[n]).map((n) => [n, process.env[n]]),
);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const work = mkdtempSync(join(tmpdir(), "dli-bench-staging-"));
const data = mkdtempSync(join(tmpdir(), "dli-bench-obs-data-"));
/** One file per round: each upload-group must really upload (a present object is skipped). */
function writeStack(round) {
  const dir = join(work, `stack-${round}`);
  const name = "big.jar";
  const hash = createHash("sha256");
  const tmp = join(work, `tmp-${round}`);
  const fd = openSync(tmp, "w");
  const chunk = randomBytes(8 * 1024 * 1024);
  for (let written = 0, n = 0; written < SIZE; n++) {
    // a different first 16 bytes per chunk and round: incompressible and unique content
    chunk.writeUInt32BE(n, 0);
    chunk.writeUInt32BE(round, 4);
    const part = chunk.subarray(0, Math.min(chunk.length, SIZE - written));
    hash.update(part);
    writeSync(fd, part);
    written += part.length;
  }
  closeSync(fd);
  const sha256 = hash.digest("hex");
  const source = `assets/DliPackagesFile-${name}/${sha256}/${name}`;
  mkdirSync(join(dir, source, ".."), { recursive: true });
  renameSync(tmp, join(dir, source));
  const file = { source, objectUrl: stagedObjectUrl(STAGING, sha256, name), size: SIZE, sha256 };
  const spec = { schemaVersion: SPEC_SCHEMA_VERSION, kind: "jar", group: `bench-${round}`, paths: [file.objectUrl], region: "cn-north-4", waitTimeoutSeconds: 60, removalPolicy: "destroy", files: [file] };
  return { dir, path: join(dir, source), spec: JSON.stringify(specToTriggers(spec)) };
}

const emulator = await startEmulator({ port: 0, throttlePerSecond: 0, obsBuckets: [BUCKET], obsDir: data });
try {
  const staged = [];
  const plain = [];
  const floor = [];
  const plainServer = [];
  const partsWindow = [];
  const completeMs = [];
  const peaks = [];
  for (let round = 0; round < RUNS; round++) {
    const stack = writeStack(round);
    const rssFile = join(work, `rss-${round}`);
    // baseline: the same bytes, one plain PUT (to a key of its own)
    const plainRun = async () => {
      emulator.clearRequests();
      const p = await runNode([PLAIN_PUT, stack.path, BUCKET, `plain/${round}/big.jar`], emulator.env);
      if (p.code !== 0) throw new Error(`plain PUT failed: ${p.stderr}`);
      plainServer.push(emulator.requests().find((r) => r.api === "PutObject").durationMs);
      return p;
    };
    // second baseline: the work the protocol requires (MD5 per part, SHA-256), leanest client
    const floorRun = async () => {
      emulator.clearRequests();
      const f = await runNode([HASHED_MULTIPART, stack.path, BUCKET, `floor/${round}/big.jar`], emulator.env);
      if (f.code !== 0) throw new Error(`hashed multipart baseline failed: ${f.stderr}`);
      return f;
    };
    const stagedRun = async () => {
      emulator.clearRequests();
      const s = await runNodeIn(stack.dir, ["-r", PEAK_RSS, RUNTIME_BUNDLE, "upload-group"], { ...emulator.env, ...STAGING_SETTINGS, DLI_PACKAGES_SPEC: stack.spec, BENCH_PEAK_RSS_FILE: rssFile });
      if (s.code !== 0) throw new Error(`upload-group failed: ${s.stderr}`);
      const log = emulator.requests();
      const parts = log.filter((r) => r.api === "UploadPart");
      const first = Math.min(...parts.map((r) => Date.parse(r.at)));
      const last = Math.max(...parts.map((r) => Date.parse(r.at) + r.durationMs));
      partsWindow.push(last - first);
      completeMs.push(log.find((r) => r.api === "CompleteMultipartUpload").durationMs);
      return s;
    };
    // A then B, then B then A: whichever runs second writes while the first one's pages are
    // still being flushed to disk, so neither always pays for it.
    let p;
    let s;
    let f;
    if (round % 2 === 0) {
      p = await plainRun();
      f = await floorRun();
      s = await stagedRun();
    } else {
      s = await stagedRun();
      f = await floorRun();
      p = await plainRun();
    }
    plain.push(p.ms);
    floor.push(f.ms);
    staged.push(s.ms);
    // Objects of earlier rounds are not kept: the emulator's disk holds one round at a time.
    emulator.reset();
    peaks.push(Number(readFileSync(rssFile, "utf8")) * 1024);
    rmSync(stack.dir, { recursive: true, force: true });
    console.log(
      `    round ${round + 1}: upload-group ${(s.ms / 1000).toFixed(2)} s (parts ${(partsWindow[round] / 1000).toFixed(2)} s, Complete ${(completeMs[round] / 1000).toFixed(2)} s), ` +
        `plain PUT ${(p.ms / 1000).toFixed(2)} s (request ${(plainServer[round] / 1000).toFixed(2)} s), hashed multipart ${(f.ms / 1000).toFixed(2)} s, upload-group peak RSS ${(peaks[round] / 1e6).toFixed(1)} MB`,
    );
  }
  const mb = SIZE / 1e6;
  const ratio = median(staged) / median(plain);
  console.log(`(a) staging ${mb} MB into dli-local (median of ${RUNS}): upload-group ${(median(staged) / 1000).toFixed(2)} s (${(mb / (median(staged) / 1000)).toFixed(0)} MB/s), plain node:http PUT ${(median(plain) / 1000).toFixed(2)} s (${(mb / (median(plain) / 1000)).toFixed(0)} MB/s): ratio ${ratio.toFixed(2)}× (target ≤ 1.2×)`);
  console.log(
    `    of which: the parts, first sent to last stored, ${(median(partsWindow) / 1000).toFixed(2)} s vs the plain PUT request ${(median(plainServer) / 1000).toFixed(2)} s (ratio ${(median(partsWindow) / median(plainServer)).toFixed(2)}×); ` +
      `Complete ${(median(completeMs) / 1000).toFixed(2)} s (dli-local keeps the parts as the object's data: no copy)`,
  );
  console.log(
    `    against the work the protocol requires (bench/support/hashed-multipart.cjs: the leanest client sending 16 MiB parts with Content-MD5, 4 at a time, and hashing the file's SHA-256, read once): ` +
      `${(median(floor) / 1000).toFixed(2)} s, ${(median(floor) / median(plain)).toFixed(2)}× the plain PUT; upload-group is ${(median(staged) / median(floor)).toFixed(2)}× it`,
  );
  const peak = Math.max(...peaks);
  console.log(`(b) upload-group peak RSS for the ${mb} MB file: ${(peak / 1e6).toFixed(1)} MB (max of ${RUNS}; target < 150 MB)`);
  if (peak >= 150e6) {
    console.error("peak RSS over the 150 MB target");
    process.exitCode = 1;
  }
} finally {
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
}

/** runNode with a working directory (the provisioner runs in the stack directory). */
function runNodeIn(cwd, args, env) {
  const { spawn } = require("node:child_process");
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}
