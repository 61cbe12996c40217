/**
 * Local files as packages under real terraform (issue 24 "Done when"; docs/lifecycle.md "Local
 * files"): a stack with two local files (3 MB and 300 MB) and one OBS path applies against
 * dli-local serving the bucket; the objects hold exactly the files' bytes, read back through
 * Huawei's official OBS client; the group holds all three packages READY; an unchanged re-apply
 * makes no call; a changed file uploads exactly one object and converges the group; destroy
 * deletes the group and keeps the objects; `staging gc` (the bundled CLI) finds the orphan.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformStack } from "cdktf";
import { JarPackageGroup, ResourceType } from "../../lib";
import { officialObsClient, OfficialResult } from "../support/official-obs-client";
import { runCli } from "../runtime/support/run-cli";
import { silentProgress } from "../../lib/runtime/progress";
import { openSession } from "../../lib/runtime/session";
import { expectSuccess, TerraformSession } from "./support/session";
import { obsPath } from "./support/stacks";
import { describeForEachResourceType } from "./support/resource-types";

jest.setTimeout(300_000);

const BUCKET = "dli-e2e";
const STAGING = `https://${BUCKET}.obs.cn-north-4.myhuaweicloud.com/dli-staging/`;
const MB = 1024 * 1024;

describeForEachResourceType("local files staged into OBS under real terraform", (resourceType: ResourceType) => {
  let session: TerraformSession;
  let obs: any;
  const build = mkdtempSync(join(tmpdir(), "dli-e2e-build-"));
  const small = join(build, "etl-1.4.2.jar");
  const large = join(build, "deps-1.0.0.jar");
  const hashes: Record<string, string> = {};

  /** Writes `size` random bytes to `path` in 1 MiB chunks (the test process never holds the file); returns its SHA-256. */
  function writeRandomFile(path: string, size: number): string {
    const hash = createHash("sha256");
    const fd = openSync(path, "w");
    try {
      for (let written = 0; written < size; written += MB) {
        const chunk = randomBytes(Math.min(MB, size - written));
        hash.update(chunk);
        writeSync(fd, chunk);
      }
    } finally {
      closeSync(fd);
    }
    return hash.digest("hex");
  }

  const declare = (stack: TerraformStack) =>
    new JarPackageGroup(stack, "etl", { group: "etl", region: "cn-north-4", paths: [obsPath("libs/common-udf.jar")], files: [small, large], staging: STAGING, resourceType });
  const keyOf = (name: string, sha: string) => `dli-staging/${sha}/${name}`;
  const obsCalls = () => session.emulator.requests().filter((r) => r.path.startsWith(`/${BUCKET}/`));
  const check = (result: OfficialResult, what: string) => {
    if (result.CommonMsg.Status >= 300) throw new Error(`${what}: OBS answered ${result.CommonMsg.Status} ${result.CommonMsg.Code ?? ""}`);
    return result;
  };

  /** SHA-256 and length of an object, streamed through the official client. */
  async function readBack(key: string): Promise<{ sha256: string; size: number }> {
    const result = check(await obs.getObject({ Bucket: BUCKET, Key: key, SaveAsStream: true }), `GET ${key}`);
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of result.InterfaceResult!.Content as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha256: hash.digest("hex"), size };
  }

  beforeAll(async () => {
    hashes.small = writeRandomFile(small, 3 * MB);
    hashes.large = writeRandomFile(large, 300 * MB);
    session = await TerraformSession.start(`staging-${resourceType}`, { obsBuckets: [BUCKET] });
    obs = await officialObsClient({ port: Number(new URL(session.emulator.url).port), accessKey: session.emulator.env.HW_ACCESS_KEY, secretKey: session.emulator.env.HW_SECRET_KEY });
    // The OBS path of the group is an object that is there, put by another tool (the official client).
    check(await obs.putObject({ Bucket: BUCKET, Key: "libs/common-udf.jar", Body: "PK\u0003\u0004 common udfs" }), "PUT libs/common-udf.jar");
  });
  afterAll(async () => {
    await session?.close();
    rmSync(build, { recursive: true, force: true });
  });

  test("1. apply: both files staged byte for byte (official client read-back), the group holds all three packages READY", async () => {
    session.synth(declare);
    expectSuccess(await session.run(["init", "-input=false"]));
    session.emulator.clearRequests();
    expectSuccess(await session.apply());
    expect(session.live("etl")).toEqual(["common-udf.jar:READY", "deps-1.0.0.jar:READY", "etl-1.4.2.jar:READY"]);
    expect(await readBack(keyOf("etl-1.4.2.jar", hashes.small))).toEqual({ sha256: hashes.small, size: 3 * MB });
    expect(await readBack(keyOf("deps-1.0.0.jar", hashes.large))).toEqual({ sha256: hashes.large, size: 300 * MB });
    // Our SHA-256 is recorded on each object: what lets the next apply skip it.
    const head = check(await obs.getObjectMetadata({ Bucket: BUCKET, Key: keyOf("deps-1.0.0.jar", hashes.large) }), "HEAD");
    expect(head.InterfaceResult!.Metadata).toMatchObject({ sha256: hashes.large });
    // The group names the staged objects.
    const packages = session.emulator.groups().find((g) => g.group === "etl")!.packages;
    expect(packages.map((p) => p.path).sort()).toEqual([obsPath("libs/common-udf.jar"), `${STAGING}${hashes.large}/deps-1.0.0.jar`, `${STAGING}${hashes.small}/etl-1.4.2.jar`].sort());
    // The 300 MB file went up in parts, the 3 MB one in one PUT.
    const writes = obsCalls().filter((r) => r.method === "PUT" || r.method === "POST");
    expect(writes.filter((r) => r.path.endsWith("/etl-1.4.2.jar") && r.method === "PUT" && r.query === "")).toHaveLength(1);
    expect(writes.filter((r) => r.path.endsWith("/deps-1.0.0.jar") && /partNumber=/.test(r.query)).length).toBeGreaterThan(1);
  });

  test("2. re-apply unchanged: no call at all, OBS included", async () => {
    session.emulator.clearRequests();
    const result = await session.apply();
    expectSuccess(result);
    expect(result.output).toMatch(/No changes/);
    expect(session.emulator.requests()).toEqual([]);
  });

  test("3. a changed file: exactly one object uploaded (the other only checked), the group converged on it", async () => {
    const before = hashes.small;
    hashes.small = writeRandomFile(small, 3 * MB + 17);
    session.synth(declare);
    session.emulator.clearRequests();
    const plan = await session.run(["plan", "-input=false", "-no-color"]);
    expectSuccess(plan);
    expect(plan.output).toContain(`${hashes.small}/etl-1.4.2.jar`);
    expect(session.emulator.requests()).toEqual([]);
    expectSuccess(await session.apply());
    const writes = obsCalls().filter((r) => r.method === "PUT" || r.method === "POST");
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /${BUCKET}/${keyOf("etl-1.4.2.jar", hashes.small)}`]);
    expect(obsCalls().filter((r) => r.method === "HEAD" && r.path.endsWith("/deps-1.0.0.jar"))).toHaveLength(1);
    expect(await readBack(keyOf("etl-1.4.2.jar", hashes.small))).toEqual({ sha256: hashes.small, size: 3 * MB + 17 });
    expect(session.live("etl")).toEqual(["common-udf.jar:READY", "deps-1.0.0.jar:READY", "etl-1.4.2.jar:READY"]);
    const etl = session.emulator.groups().find((g) => g.group === "etl")!.packages.find((p) => p.name === "etl-1.4.2.jar")!;
    expect(etl.path).toBe(`${STAGING}${hashes.small}/etl-1.4.2.jar`);
    hashes.old = before;
  });

  test("3b. an object and its package deleted behind Terraform's back: diff reports the drift, --repair stages the object again and converges the group", async () => {
    const key = keyOf("etl-1.4.2.jar", hashes.small);
    check(await obs.deleteObject({ Bucket: BUCKET, Key: key }), `DELETE ${key}`);
    // What a person does in the DLI console: a signed request of their own.
    const console = await openSession({ region: "cn-north-4", env: { ...session.emulator.env }, progress: silentProgress });
    try {
      await console.client.deletePackage("etl-1.4.2.jar", "etl");
    } finally {
      await console.close();
    }
    const env = session.env();
    const drift = await runCli(["diff", session.stackDir], env);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(/^etl \(jar, cn-north-4\) .*DRIFT — missing: etl-1\.4\.2\.jar$/m);
    const repaired = await runCli(["diff", session.stackDir, "--repair"], env);
    expect(repaired.code).toBe(0);
    expect(repaired.stderr).toMatch(/diff --repair jar group=etl: staging etl-1\.4\.2\.jar: .*read back: same size and SHA-256/);
    expect(await readBack(key)).toEqual({ sha256: hashes.small, size: 3 * MB + 17 });
    expect(session.live("etl")).toEqual(["common-udf.jar:READY", "deps-1.0.0.jar:READY", "etl-1.4.2.jar:READY"]);
    expect((await runCli(["diff", session.stackDir], env)).code).toBe(0);
  });

  test("4. destroy: the group is deleted, the staged objects are kept", async () => {
    expectSuccess(await session.run(["destroy", "-auto-approve", "-input=false"]));
    expect(session.live("etl")).toBeUndefined();
    for (const key of [keyOf("etl-1.4.2.jar", hashes.small), keyOf("etl-1.4.2.jar", hashes.old), keyOf("deps-1.0.0.jar", hashes.large)]) {
      expect(check(await obs.getObjectMetadata({ Bucket: BUCKET, Key: key }), `HEAD ${key}`).CommonMsg.Status).toBe(200);
    }
  });

  test("5. staging gc finds the orphaned object (the first build of the changed file), deletes it with --yes, keeps what the stack declares", async () => {
    const env = { ...session.env(), DLI_PACKAGES_MAX_ATTEMPTS: "3" };
    const orphan = keyOf("etl-1.4.2.jar", hashes.old);
    const declared = [keyOf("etl-1.4.2.jar", hashes.small), keyOf("deps-1.0.0.jar", hashes.large)];
    // Just uploaded: the default guard (24h) keeps it; a short one lists it.
    const guarded = await runCli(["staging", "gc", session.stackDir, "--staging", STAGING], env);
    expect(guarded.code).toBe(0);
    expect(guarded.stdout).not.toContain(hashes.old);
    expect(guarded.stdout).toMatch(/^0 orphaned objects .*kept: 2 declared, 1 newer than 24h/m);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const dryRun = await runCli(["staging", "gc", session.stackDir, "--staging", STAGING, "--older-than", "1s"], env);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(`orphan ${STAGING}${hashes.old}/etl-1.4.2.jar`);
    expect(dryRun.stdout).toMatch(/^1 orphaned object .*kept: 2 declared/m);
    expect(dryRun.stdout).toMatch(/dry run: nothing deleted/);
    for (const key of declared) expect(dryRun.stdout).not.toContain(key.split("/")[1]);
    expect(check(await obs.getObjectMetadata({ Bucket: BUCKET, Key: orphan }), "HEAD orphan").CommonMsg.Status).toBe(200);
    const removed = await runCli(["staging", "gc", session.stackDir, "--staging", STAGING, "--older-than", "1s", "--yes"], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^deleted 1 orphaned object .*read back: gone/m);
    expect((await obs.getObjectMetadata({ Bucket: BUCKET, Key: orphan })).CommonMsg.Status).toBe(404);
    for (const key of [...declared, "libs/common-udf.jar"]) expect(check(await obs.getObjectMetadata({ Bucket: BUCKET, Key: key }), `HEAD ${key}`).CommonMsg.Status).toBe(200);
  });
});
