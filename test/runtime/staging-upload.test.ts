/**
 * upload-group with staged files, end to end: the bundled CLI as a child process in the stack
 * directory (as the provisioner runs it) against dli-local's OBS and DLI on loopback, with real
 * signed requests. Objects are read back through the emulator with a signed GET.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_LINE_CHARS } from "../../lib/contract/bounded-text";
import { RunningEmulator } from "../../lib/emulator";
import { credentialsFromEnvironment } from "../../lib/runtime/credentials";
import { obsEndpointOverride } from "../../lib/runtime/endpoints";
import { obsBucketAddress } from "../../lib/runtime/obs/obs-address";
import { ObsClient } from "../../lib/runtime/obs/obs-client";
import { DEFAULT_RETRY_BOUNDS } from "../../lib/runtime/retry-policy";
import { createTransport } from "../../lib/runtime/transport";
import { BUNDLE, CANARY, groupsOf, OBS, runCli, startTestEmulator, TEMP_ACCESS_KEY } from "./support/run-cli";
import { getObject, keyOf, makeStack, randomFile, sha256Of, STAGING_BUCKET, stagingEnv } from "./support/staging";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ obsBuckets: [STAGING_BUCKET] });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.configure({ faults: {} });
});

/** Small multipart settings: 3 MiB files go up as 12 parts of 256 KiB. */
const MULTIPART = { DLI_PACKAGES_MULTIPART_THRESHOLD_BYTES: String(1024 * 1024), DLI_PACKAGES_PART_BYTES: String(256 * 1024), DLI_PACKAGES_PART_CONCURRENCY: "4" };

const obsCalls = (api?: string) => emulator.requests().filter((r) => r.path.startsWith(`/${STAGING_BUCKET}`) && (api === undefined || r.api === api));
const apis = () => obsCalls().map((r) => r.api);

async function expectObjectHolds(objectUrl: string, bytes: Buffer): Promise<void> {
  const object = await getObject(emulator.env.HW_OBS_ENDPOINT, STAGING_BUCKET, keyOf(objectUrl));
  expect(object.status).toBe(200);
  expect(object.body.length).toBe(bytes.length);
  expect(sha256Of(object.body)).toBe(sha256Of(bytes));
  expect(object.headers["x-obs-meta-sha256"]).toBe(sha256Of(bytes));
}

function expectBoundedLines(stderr: string): void {
  for (const line of stderr.split("\n")) expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS + 40);
}

test("a small file goes up in one PUT with Content-MD5, is read back, and becomes a READY package next to the OBS path", async () => {
  // GIVEN a stack with one 3 KB file and one OBS path
  const input = randomFile("etl.jar", 3000);
  const stack = makeStack([input]);
  // WHEN upload-group runs in the stack directory
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files, {}, { paths: [OBS("lib.jar")] }), { cwd: stack.dir });
  // THEN it exits 0 after HEAD (absent) → PUT → HEAD (read back), then the DLI upload
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  expect(apis()).toEqual(["HeadObject", "PutObject", "HeadObject"]);
  expect(obsCalls("PutObject")[0].status).toBe(200);
  await expectObjectHolds(stack.files[0].objectUrl, input.bytes);
  expect(groupsOf(emulator)).toEqual({ staged: ["etl.jar:READY", "lib.jar:READY"] });
  expect(result.stderr).toMatch(/staging etl\.jar: 2\.9 KiB uploaded in [0-9.]+s \(.*\/s\), read back: same size and SHA-256$/m);
  expectBoundedLines(result.stderr);
});

test("an object already present with the same size and SHA-256 is not sent again: exactly one HEAD, no PUT", async () => {
  const input = randomFile("etl.jar", 3000);
  const stack = makeStack([input]);
  expect((await runCli(["upload-group"], stagingEnv(emulator.env, stack.files), { cwd: stack.dir })).code).toBe(0);
  emulator.clearRequests();
  // WHEN the group changes (another path) but the file does not
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files, {}, { paths: [OBS("other.jar")] }), { cwd: stack.dir });
  // THEN the file costs one HEAD and nothing else
  expect(result.code).toBe(0);
  expect(apis()).toEqual(["HeadObject"]);
  expect(result.stderr).toMatch(/staging etl\.jar: already in OBS with the same size and SHA-256, nothing sent/);
  expect(groupsOf(emulator)).toEqual({ staged: ["etl.jar:READY", "other.jar:READY"] });
});

test("a large file goes up as a multipart upload, parts in parallel, each with its Content-MD5, then Complete and a read-back", async () => {
  // GIVEN 12 parts and 100 ms of latency per part, 4 at a time
  emulator.configure({ faults: { routes: { UploadPart: { latencyMs: 100 } } } });
  const input = randomFile("big.jar", 3 * 1024 * 1024);
  const stack = makeStack([input]);
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files, MULTIPART), { cwd: stack.dir });
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  const calls = apis();
  expect(calls.filter((a) => a === "UploadPart")).toHaveLength(12);
  expect(calls.filter((a) => a !== "UploadPart")).toEqual(["HeadObject", "ListMultipartUploads", "InitiateMultipartUpload", "CompleteMultipartUpload", "HeadObject"]);
  // parts overlapped in time: at some instant more than one was in flight, never more than 4
  const parts = obsCalls("UploadPart").map((r) => ({ start: Date.parse(r.at), end: Date.parse(r.at) + r.durationMs }));
  const inFlight = parts.map((p) => parts.filter((q) => q.start <= p.start && p.start < q.end).length);
  expect(Math.max(...inFlight)).toBeGreaterThan(1);
  expect(Math.max(...inFlight)).toBeLessThanOrEqual(4);
  await expectObjectHolds(stack.files[0].objectUrl, input.bytes);
  expect(result.stderr).toMatch(/staging big\.jar: multipart upload, 12 parts of 262144 bytes, 4 at a time/);
  expectBoundedLines(result.stderr);
});

test("503 and 429 answers to parts are waited out; dropped connections mid-part are retried", async () => {
  emulator.configure({ faults: { seed: 7, routes: { UploadPart: { rate503: 0.2, rate429: 0.2, rateDrop: 0.2 } } } });
  const input = randomFile("big.jar", 3 * 1024 * 1024);
  const stack = makeStack([input]);
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files, { ...MULTIPART, DLI_PACKAGES_MAX_ATTEMPTS: "20" }), { cwd: stack.dir });
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  const statuses = obsCalls("UploadPart").map((r) => r.status);
  expect(statuses).toContain(503);
  expect(statuses).toContain(429);
  expect(statuses).toContain(0);
  expect(statuses.filter((s) => s === 200)).toHaveLength(12);
  await expectObjectHolds(stack.files[0].objectUrl, input.bytes);
  expect(groupsOf(emulator)).toEqual({ staged: ["big.jar:READY"] });
  // no line per retried part: the first retry is said at once, the rest as a digest (≤ 1 per 5 s),
  // and the total in the file's closing line
  const retryLines = result.stderr.split("\n").filter((l) => /retr/.test(l));
  expect(retryLines.length).toBeLessThanOrEqual(2);
  expect(result.stderr).toMatch(/^dli-packages: .*: OBS: 1 attempt retried \((HTTP 503|HTTP 429 \(throttled\)|ECONNRESET|EPIPE)[^)]*\)+, retrying/m);
  const retried = statuses.filter((s) => s !== 200).length;
  expect(result.stderr).toMatch(new RegExp(`: staged 1 file: 1 uploaded, 0 already in OBS; ${retried} attempts retried \\(`));
  expectBoundedLines(result.stderr);
});

test("an upload interrupted mid-way (process killed) is resumed by the next apply: stored parts are not sent again", async () => {
  emulator.configure({ faults: { routes: { UploadPart: { latencyMs: 150 } } } });
  const input = randomFile("big.jar", 3 * 1024 * 1024);
  const stack = makeStack([input]);
  const env = stagingEnv(emulator.env, stack.files, { ...MULTIPART, DLI_PACKAGES_PART_CONCURRENCY: "2" });
  // WHEN the first apply is killed after a few parts are stored
  const child = spawn(process.execPath, [BUNDLE, "upload-group"], { cwd: stack.dir, env: { PATH: process.env.PATH ?? "", ...(env as Record<string, string>) }, stdio: "ignore" });
  while (obsCalls("UploadPart").filter((r) => r.status === 200).length < 4) await new Promise((r) => setTimeout(r, 20));
  child.kill("SIGKILL");
  await new Promise((r) => child.on("close", r));
  const storedBefore = obsCalls("UploadPart").filter((r) => r.status === 200).length;
  expect(storedBefore).toBeLessThan(12);
  emulator.clearRequests();
  emulator.configure({ faults: {} });
  // AND the next apply runs
  const result = await runCli(["upload-group"], env, { cwd: stack.dir });
  // THEN it resumes the same upload and sends only the parts not stored
  expect(result.code).toBe(0);
  expect(apis()).not.toContain("InitiateMultipartUpload");
  expect(apis()).toContain("ListParts");
  expect(obsCalls("UploadPart").length).toBeLessThanOrEqual(12 - storedBefore + 2);
  expect(result.stderr).toMatch(/resuming an interrupted multipart upload \(\d+ parts? stored/);
  await expectObjectHolds(stack.files[0].objectUrl, input.bytes);
});

test("a large file changed since synth (same size) aborts its multipart upload: no object, no upload left, nothing registered", async () => {
  const input = randomFile("big.jar", 3 * 1024 * 1024);
  const stack = makeStack([input]);
  const changed = Buffer.from(input.bytes);
  changed[changed.length - 1] ^= 0xff;
  writeFileSync(join(stack.dir, stack.files[0].source), changed);
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files, MULTIPART), { cwd: stack.dir });
  expect(result.code).toBe(2);
  const lines = result.stderr.split("\n").filter((l) => /error/.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/files\[0\]\.source: .* changed since synth: its SHA-256 is [0-9a-f]{64}, the spec records [0-9a-f]{64}.*nothing was registered/);
  expect(apis()).not.toContain("CompleteMultipartUpload");
  expect(apis()).toContain("AbortMultipartUpload");
  expect((await getObject(emulator.env.HW_OBS_ENDPOINT, STAGING_BUCKET, keyOf(stack.files[0].objectUrl))).status).toBe(404);
  // nothing left billing: the upload is gone from the bucket's listing
  const credentials = credentialsFromEnvironment(emulator.env);
  const client = new ObsClient(createTransport(credentials, DEFAULT_RETRY_BOUNDS), credentials);
  const address = obsBucketAddress(STAGING_BUCKET, "cn-north-4", "myhuaweicloud.com", obsEndpointOverride(emulator.env));
  expect(await client.listMultipartUploads(address, "dli-staging/")).toEqual([]);
  expect(emulator.groups()).toEqual([]);
  expect(emulator.requests().filter((r) => r.method === "POST" && r.path.startsWith("/v2.0/"))).toEqual([]);
});

test("a staging bucket that does not exist: one line naming NoSuchBucket, nothing registered", async () => {
  const stack = makeStack([randomFile("etl.jar", 100)], "https://no-such-bucket.obs.cn-north-4.myhuaweicloud.com/dli-staging/");
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files), { cwd: stack.dir });
  expect(result.code).toBe(1);
  const lines = result.stderr.split("\n").filter((l) => /error/.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/HTTP 404 · NoSuchBucket .*the staging bucket does not exist: create it, or fix `staging`/);
  expect(emulator.groups()).toEqual([]);
});

test("wrong credentials: one line from OBS naming the signature problem, nothing registered", async () => {
  const stack = makeStack([randomFile("etl.jar", 100)]);
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files, { HW_SECRET_KEY: "wrong-secret-key-0000" }), { cwd: stack.dir });
  expect(result.code).toBe(1);
  const lines = result.stderr.split("\n").filter((l) => /error/.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/HEAD \/staging-bucket\/dli-staging\/[0-9a-f]{64}\/etl\.jar → HTTP 403.* — check the AK\/SK/);
  expect(result.stderr).not.toContain("wrong-secret-key-0000");
  expect(emulator.groups()).toEqual([]);
});

test("temporary AK/SK: the security token goes in x-obs-security-token and the upload succeeds", async () => {
  const input = randomFile("etl.jar", 5000);
  const stack = makeStack([input]);
  const env = stagingEnv(emulator.env, stack.files, { HW_ACCESS_KEY: TEMP_ACCESS_KEY, HW_SECRET_KEY: CANARY.temporarySecretKey, HW_SECURITY_TOKEN: CANARY.securityToken });
  const result = await runCli(["upload-group"], env, { cwd: stack.dir });
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  await expectObjectHolds(stack.files[0].objectUrl, input.bytes);
});

test("two applies staging the same file at once (a second writer) both end verified, with one object", async () => {
  // GIVEN two groups that stage the same 3 MiB file (same content → same key), parts slowed
  emulator.configure({ faults: { routes: { UploadPart: { latencyMs: 30 } } } });
  const input = randomFile("shared.jar", 3 * 1024 * 1024);
  const stack = makeStack([input]);
  // WHEN both run at once
  const [a, b] = await Promise.all(
    ["group-a", "group-b"].map((group) => runCli(["upload-group"], stagingEnv(emulator.env, stack.files, MULTIPART, { group }), { cwd: stack.dir })),
  );
  // THEN both exit 0 (the later Complete finds the upload completed, and the read-back decides)
  expect([a.code, b.code, a.stderr + b.stderr]).toEqual([0, 0, expect.not.stringMatching(/error/)]);
  await expectObjectHolds(stack.files[0].objectUrl, input.bytes);
  expect(groupsOf(emulator)).toEqual({ "group-a": ["shared.jar:READY"], "group-b": ["shared.jar:READY"] });
});

test("a second writer resuming the same multipart upload: one Complete wins, the other sees NoSuchUpload, reads back and ends verified", async () => {
  // parts slow enough that the first apply is still sending when the second has started (≥ 1 s left)
  emulator.configure({ faults: { routes: { UploadPart: { latencyMs: 250 } } } });
  const input = randomFile("shared.jar", 3 * 1024 * 1024);
  const stack = makeStack([input]);
  const run = (group: string) => runCli(["upload-group"], stagingEnv(emulator.env, stack.files, { ...MULTIPART, DLI_PACKAGES_PART_CONCURRENCY: "2" }, { group }), { cwd: stack.dir });
  // GIVEN a first apply that has stored 2 of 12 parts
  const first = run("group-a");
  while (obsCalls("UploadPart").filter((r) => r.status === 200).length < 2) await new Promise((r) => setTimeout(r, 10));
  // WHEN a second apply of the same file starts (it finds the upload and joins it)
  const second = run("group-b");
  const [a, b] = await Promise.all([first, second]);
  // THEN both end verified; exactly one initiated upload, one Complete that succeeded
  expect([a.code, b.code]).toEqual([0, 0]);
  expect(obsCalls("InitiateMultipartUpload")).toHaveLength(1);
  expect(obsCalls("CompleteMultipartUpload").filter((r) => r.status === 200)).toHaveLength(1);
  expect(a.stderr + b.stderr).toMatch(/was completed or aborted by another writer/);
  expect(b.stderr).toMatch(/resuming an interrupted multipart upload \(\d+ parts stored/);
  await expectObjectHolds(stack.files[0].objectUrl, input.bytes);
});

test("parts that keep failing past the attempt bound: exit 1 in one error line, nothing registered, the upload left for the next apply, which resumes it", async () => {
  const input = randomFile("big.jar", 3 * 1024 * 1024);
  const stack = makeStack([input]);
  // GIVEN every part after the first few dropped mid-body
  emulator.configure({ faults: { seed: 3, routes: { UploadPart: { rateDrop: 0.6 } } } });
  const env = stagingEnv(emulator.env, stack.files, { ...MULTIPART, DLI_PACKAGES_MAX_ATTEMPTS: "1" });
  const failed = await runCli(["upload-group"], env, { cwd: stack.dir });
  expect(failed.code).toBe(1);
  const errors = failed.stderr.split("\n").filter((l) => /error/.test(l));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/PUT \/staging-bucket\/dli-staging\/[0-9a-f]{64}\/big\.jar → no answer: (ECONNRESET|EPIPE)/);
  expect(failed.stderr).toMatch(/multipart upload \S+ left in place: the next apply resumes it/);
  expect(emulator.groups()).toEqual([]);
  expect(emulator.requests().filter((r) => r.path.startsWith("/v2.0/"))).toEqual([]);
  // WHEN the next apply runs on a healthy link
  emulator.configure({ faults: {} });
  emulator.clearRequests();
  const result = await runCli(["upload-group"], env, { cwd: stack.dir });
  // THEN it resumes the same upload and ends verified
  expect(result.code).toBe(0);
  expect(apis()).not.toContain("InitiateMultipartUpload");
  expect(result.stderr).toMatch(/resuming an interrupted multipart upload/);
  await expectObjectHolds(stack.files[0].objectUrl, input.bytes);
  expect(groupsOf(emulator)).toEqual({ staged: ["big.jar:READY"] });
});

test("many small files are staged a few at a time (round trips, not bandwidth): 3 calls each, never more than 4 files in flight", async () => {
  emulator.configure({ faults: { routes: { PutObject: { latencyMs: 100 } } } });
  const inputs = Array.from({ length: 8 }, (_, i) => randomFile(`lib-${i}.jar`, 1000 + i));
  const stack = makeStack(inputs);
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files), { cwd: stack.dir });
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  expect(apis().filter((a) => a === "PutObject")).toHaveLength(8);
  expect(apis().filter((a) => a === "HeadObject")).toHaveLength(16);
  const puts = obsCalls("PutObject").map((r) => ({ start: Date.parse(r.at), end: Date.parse(r.at) + r.durationMs }));
  const inFlight = puts.map((p) => puts.filter((q) => q.start <= p.start && p.start < q.end).length);
  expect(Math.max(...inFlight)).toBeGreaterThan(1);
  expect(Math.max(...inFlight)).toBeLessThanOrEqual(4);
  for (const [i, input] of inputs.entries()) await expectObjectHolds(stack.files[i].objectUrl, input.bytes);
  expect(groupsOf(emulator).staged).toHaveLength(8);
  expect(result.stderr).toMatch(/: staged 8 files: 8 uploaded, 0 already in OBS$/m);
});
