/**
 * A 2 GB object through dli-local's OBS: PUT with its Content-MD5 (checked), then GET, both
 * streamed, while the emulator (a child process) keeps its resident memory bounded: its peak
 * RSS (VmHWM) grows by far less than the object. The bytes are generated, never written by the
 * test: 7 distinct 1 MiB chunks in a cycle, so the object is not one repeated byte.
 * Skipped, with the reason printed, when the temp directory lacks the disk space or /proc is
 * missing (the peak RSS is read from /proc/<pid>/status).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statfsSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { RunningChildEmulator, startEmulator } from "../../../lib/emulator";
import { obsPath, obsSignedHeaders } from "./obs-client";

const SIZE = 2 * 1024 ** 3;
const CHUNK = 1024 ** 2;
const CHUNKS = Array.from({ length: 7 }, (_, i) => Buffer.alloc(CHUNK, `chunk ${i} of the large object\n`));
/** Growth of the emulator's peak RSS allowed for the 2 GB round trip (the object is 2048 MB). */
const MAX_RSS_GROWTH_MB = 150;

const free = statfsSync(tmpdir());
const freeBytes = free.bavail * free.bsize;
const skipReason = !existsSync("/proc/self/status")
  ? "no /proc to read the emulator's peak RSS from"
  : freeBytes < SIZE * 1.5
    ? `${tmpdir()} has ${(freeBytes / 1024 ** 3).toFixed(1)} GiB free; the 2 GiB object needs 3`
    : undefined;
if (skipReason) console.log(`large-object.test.ts skipped: ${skipReason}`);

function generated(): Readable {
  let index = 0;
  return new Readable({
    read() {
      if (index * CHUNK >= SIZE) return void this.push(null);
      this.push(CHUNKS[index++ % CHUNKS.length]);
    },
  });
}

/** VmHWM (peak resident set) and VmRSS of a process, MB. */
function memoryMb(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  return { peak: kb("VmHWM") / 1024, now: kb("VmRSS") / 1024 };
}

let emulator: RunningChildEmulator;
beforeAll(async () => {
  if (!skipReason) emulator = await startEmulator({ process: "child", obsBuckets: ["dli-large"] });
});
afterAll(async () => emulator?.close());

(skipReason ? test.skip : test)(
  "PUT and GET of 2 GiB: same bytes back, Content-MD5 checked, emulator peak RSS grows under 150 MB",
  async () => {
    const md5 = createHash("md5");
    for (let i = 0; i * CHUNK < SIZE; i++) md5.update(CHUNKS[i % CHUNKS.length]);
    const digest = md5.digest();
    const before = memoryMb(emulator.pid);
    const url = new URL(emulator.env.HW_OBS_ENDPOINT);
    const target = { bucket: "dli-large", key: "big/object.bin" };

    const putStarted = Date.now();
    const putStatus = await new Promise<number>((resolve, reject) => {
      const headers = obsSignedHeaders(emulator, { method: "PUT", ...target, headers: { "Content-Length": String(SIZE), "Content-MD5": digest.toString("base64") } });
      const req = request({ host: url.hostname, port: url.port, method: "PUT", path: obsPath(target.bucket, target.key), headers, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      generated().pipe(req);
    });
    const putSeconds = (Date.now() - putStarted) / 1000;
    expect(putStatus).toBe(200);

    const getStarted = Date.now();
    const got = await new Promise<{ status: number; length: number; md5: Buffer }>((resolve, reject) => {
      const headers = obsSignedHeaders(emulator, { method: "GET", ...target });
      const req = request({ host: url.hostname, port: url.port, path: obsPath(target.bucket, target.key), headers, agent: false }, (res) => {
        const hash = createHash("md5");
        let length = 0;
        res.on("data", (chunk: Buffer) => {
          hash.update(chunk);
          length += chunk.length;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, length, md5: hash.digest() }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
    const getSeconds = (Date.now() - getStarted) / 1000;
    expect({ status: got.status, length: got.length, md5: got.md5.toString("hex") }).toEqual({ status: 200, length: SIZE, md5: digest.toString("hex") });

    const after = memoryMb(emulator.pid);
    console.log(
      `2 GiB through dli-local OBS: PUT ${putSeconds.toFixed(1)} s (${(2048 / putSeconds).toFixed(0)} MB/s), GET ${getSeconds.toFixed(1)} s (${(2048 / getSeconds).toFixed(0)} MB/s); ` +
        `emulator peak RSS ${before.peak.toFixed(0)} MB before, ${after.peak.toFixed(0)} MB after (growth ${(after.peak - before.peak).toFixed(0)} MB, limit ${MAX_RSS_GROWTH_MB})`,
    );
    expect(after.peak - before.peak).toBeLessThan(MAX_RSS_GROWTH_MB);
  },
  240_000,
);
