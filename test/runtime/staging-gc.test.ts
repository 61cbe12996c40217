/**
 * `dli-packages staging gc`: the bundled CLI as a child process against dli-local's OBS. Objects
 * are staged by real upload-group runs (some while the emulator's clock is two days behind, so
 * they are old), foreign keys and a stale multipart upload by signed calls of the runtime's own
 * OBS client; the scanned stacks are synthesized-stack directories holding cdk.tf.json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { PackageGroupSpec, specToTriggers, StagedFile } from "../../lib/contract/spec";
import { RunningEmulator } from "../../lib/emulator";
import { credentialsFromEnvironment } from "../../lib/runtime/credentials";
import { obsEndpointOverride } from "../../lib/runtime/endpoints";
import { obsBucketAddress } from "../../lib/runtime/obs/obs-address";
import { ObsClient } from "../../lib/runtime/obs/obs-client";
import { DEFAULT_RETRY_BOUNDS } from "../../lib/runtime/retry-policy";
import { createTransport } from "../../lib/runtime/transport";
import { runCli, startTestEmulator } from "./support/run-cli";
import { getObject, keyOf, makeStack, randomFile, STAGING, STAGING_BUCKET, stagingEnv } from "./support/staging";

const DAY = 86_400_000;
let offset = 0;
let emulator: RunningEmulator;
beforeAll(async () => {
  // The emulator's clock can run behind, to make objects old; signatures are checked against it
  // with a skew bound wide enough for that.
  emulator = await startTestEmulator({ obsBuckets: [STAGING_BUCKET], now: () => Date.now() + offset, maxClockSkewMs: 3 * DAY });
});
afterAll(() => emulator.close());

/** A synthesized stack directory declaring one group with these staged files. */
function synthesizedStack(files: readonly StagedFile[], group: string, overrides: Partial<PackageGroupSpec> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "dli-gc-stack-"));
  const spec: PackageGroupSpec = { schemaVersion: "1", kind: "jar", group, paths: files.map((f) => f.objectUrl), region: "cn-north-4", waitTimeoutSeconds: 30, removalPolicy: "destroy", files: [...files], ...overrides };
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ resource: { terraform_data: { [`${group}_content`]: { triggers_replace: specToTriggers(spec) } } } }));
  return dir;
}

async function stage(name: string, size: number, ageMs: number): Promise<StagedFile> {
  const stack = makeStack([randomFile(name, size)]);
  offset = -ageMs;
  try {
    const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files, {}, { group: name.replace(/\W/g, "-") }), { cwd: stack.dir });
    expect(result.code).toBe(0);
  } finally {
    offset = 0;
  }
  return stack.files[0];
}

const exists = async (key: string) => (await getObject(emulator.env.HW_OBS_ENDPOINT, STAGING_BUCKET, key)).status === 200;

let declared: StagedFile;
let oldOrphan: StagedFile;
let recentOrphan: StagedFile;
let declaringStack: string;
let staleUploadId: string;
const FOREIGN = "dli-staging/notes.txt";
let client: ObsClient;

beforeAll(async () => {
  declared = await stage("declared.jar", 100, 2 * DAY);
  oldOrphan = await stage("old.jar", 200, 2 * DAY);
  recentOrphan = await stage("recent.jar", 300, 0);
  declaringStack = synthesizedStack([declared], "keeper");
  const credentials = credentialsFromEnvironment(emulator.env);
  client = new ObsClient(createTransport(credentials, DEFAULT_RETRY_BOUNDS), credentials);
  const address = obsBucketAddress(STAGING_BUCKET, "cn-north-4", "myhuaweicloud.com", obsEndpointOverride(emulator.env));
  offset = -2 * DAY;
  try {
    const bytes = Buffer.from("not staged by us");
    await client.putObject(address, FOREIGN, { length: bytes.length, open: () => Readable.from([bytes]) }, require("node:crypto").createHash("md5").update(bytes).digest("base64"), "0".repeat(64));
    staleUploadId = await client.initiateMultipartUpload(address, `dli-staging/${"b".repeat(64)}/interrupted.jar`, "b".repeat(64));
    await client.initiateMultipartUpload(address, "dli-staging/elsewhere/interrupted.jar", "c".repeat(64));
  } finally {
    offset = 0;
  }
});

beforeEach(() => emulator.clearRequests());

test("dry run lists only old, undeclared, content-addressed objects and stale uploads, and changes nothing", async () => {
  const result = await runCli(["staging", "gc", declaringStack, "--staging", STAGING], emulator.env);
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  const lines = result.stdout.trim().split("\n");
  expect(lines).toEqual([
    `orphan ${oldOrphan.objectUrl} 200 B modified ${lines[0].split(" modified ")[1]}`,
    `stale upload ${STAGING}${"b".repeat(64)}/interrupted.jar upload id ${staleUploadId} started ${lines[1].split(" started ")[1]}`,
    "1 orphaned object (200 B), 1 stale multipart upload; kept: 1 declared, 1 newer than 24h, 0 uploads newer than 24h; 2 keys not of the form <prefix><sha256>/<name> ignored",
    "dry run: nothing deleted; run again with --yes to delete them",
  ]);
  expect(emulator.requests().filter((r) => r.method === "DELETE")).toEqual([]);
  expect(await exists(keyOf(oldOrphan.objectUrl))).toBe(true);
});

test("--older-than 0s also lists the recent orphan", async () => {
  const result = await runCli(["staging", "gc", declaringStack, "--staging", STAGING, "--older-than", "0s"], emulator.env);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`orphan ${recentOrphan.objectUrl} 300 B`);
  expect(result.stdout).toContain(`orphan ${oldOrphan.objectUrl} 200 B`);
  expect(result.stdout).not.toContain(declared.objectUrl);
  expect(result.stdout).toMatch(/^2 orphaned objects \(500 B\)/m);
});

test("a stack whose project id is a Terraform reference still declares its objects; a path that is one is refused", async () => {
  const referencing = synthesizedStack([oldOrphan], "referencing", { projectId: "${var.project_id}" });
  const result = await runCli(["staging", "gc", declaringStack, referencing, "--staging", STAGING, "--older-than", "0s"], emulator.env);
  expect(result.code).toBe(0);
  expect(result.stdout).not.toContain(`orphan ${oldOrphan.objectUrl}`);
  expect(result.stdout).toContain(`orphan ${recentOrphan.objectUrl}`);
  emulator.clearRequests();
  const unknown = synthesizedStack([], "unknown", { paths: ["${var.jar_url}"] });
  const refused = await runCli(["staging", "gc", unknown, "--staging", STAGING], emulator.env);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/staging gc: terraform_data\.unknown_content in ".*" has a path only known at apply time \("\$\{var\.jar_url\}"\); gc cannot tell which objects it uses/);
  expect(emulator.requests()).toEqual([]);
});

test("--yes deletes the orphans and aborts the stale upload, reads back, and never touches declared, recent or foreign keys", async () => {
  const result = await runCli(["staging", "gc", declaringStack, "--staging", STAGING, "--yes"], emulator.env);
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^deleted 1 orphaned object \(200 B\), 1 stale multipart upload, read back: gone; kept: 1 declared, 1 newer than 24h/m);
  expect(await exists(keyOf(oldOrphan.objectUrl))).toBe(false);
  expect(await exists(keyOf(declared.objectUrl))).toBe(true);
  expect(await exists(keyOf(recentOrphan.objectUrl))).toBe(true);
  expect(await exists(FOREIGN)).toBe(true);
  const deleted = emulator.requests().filter((r) => r.method === "DELETE").map((r) => decodeURIComponent(r.path));
  expect(deleted).toEqual([`/${STAGING_BUCKET}/${keyOf(oldOrphan.objectUrl)}`, `/${STAGING_BUCKET}/dli-staging/${"b".repeat(64)}/interrupted.jar`]);
  // the upload of a key that is not content-addressed is still there
  const address = obsBucketAddress(STAGING_BUCKET, "cn-north-4", "myhuaweicloud.com", obsEndpointOverride(emulator.env));
  expect((await client.listMultipartUploads(address, "dli-staging/")).map((u) => u.key)).toEqual(["dli-staging/elsewhere/interrupted.jar"]);
});

describe.each([
  ["no --staging", [], /--staging <prefix> is required/],
  ["a staging prefix that is a whole bucket", ["--staging", `https://${STAGING_BUCKET}.obs.cn-north-4.myhuaweicloud.com/`], /--staging ".*" — .*the prefix is empty/],
  ["an unreadable --older-than", ["--staging", STAGING, "--older-than", "1 week"], /--older-than "1 week" — a whole number and a unit/],
  ["a directory without cdk.tf.json", ["--staging", STAGING, "DIR:empty"], /no cdk\.tf\.json under/],
  ["no stack directory", ["--staging", STAGING, "NODIR"], /name at least one synthesized stack directory/],
])("%s", (_, args, pattern) => {
  test("is refused in one line, exit 2, before any request", async () => {
    const empty = mkdtempSync(join(tmpdir(), "dli-gc-empty-"));
    mkdirSync(join(empty, "sub"));
    const dirs = args.includes("NODIR") ? [] : args.includes("DIR:empty") ? [empty] : [declaringStack];
    const result = await runCli(["staging", "gc", ...dirs, ...args.filter((a) => a !== "NODIR" && a !== "DIR:empty")], emulator.env);
    const lines = result.stderr.split("\n").filter((l) => l !== "");
    expect(lines[0]).toMatch(pattern);
    expect(result.code).toBe(2);
    expect(emulator.requests()).toEqual([]);
  });
});

test("an IAM token alone is refused: OBS needs AK/SK", async () => {
  const env = { ...emulator.env, HW_ACCESS_KEY: undefined, HW_SECRET_KEY: undefined, HW_AUTH_TOKEN: "token" };
  const result = await runCli(["staging", "gc", declaringStack, "--staging", STAGING], env);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/needs AK\/SK or temporary AK\/SK/);
  expect(emulator.requests()).toEqual([]);
});
