/**
 * `dli-packages check` (issue 25) through the hashicorp/external program protocol, as the
 * synthesized `data "external"` runs it: the query (one JSON object of strings) on stdin, the
 * result (one flat JSON object of strings) on stdout, against dli-local over real signed HTTP.
 * Each drift a person can cause in the console, faults at plan time (no credentials, no network,
 * throttling, a hostile environment, a broken query), and the cost: one listing per project
 * whatever the number of groups. Every run: exit 0, nothing on stderr, only GET requests.
 */
import { PackageGroupSpec, specToTriggers } from "../../lib/contract";
import { CHECK_RESULT_KEYS } from "../../lib/contract/drift-check";
import { RunningEmulator } from "../../lib/emulator";
import { DliClient } from "../../lib/runtime/dli-client";
import { silentProgress } from "../../lib/runtime/progress";
import { openSession } from "../../lib/runtime/session";
import { CANARY, CliResult, FAST_RETRIES, fullEnv, OBS, runCli, startTestEmulator, jarSpec as spec } from "./support/run-cli";

/** A second project the emulator knows, for groups of two projects. */
const OTHER_PROJECT = "0123456789abcdef0123456789abcdef";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ projects: [{ id: OTHER_PROJECT, name: "cn-south-1" }] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  emulator.configure({ uploadSemantics: "overwrite", failPaths: [], readyDelayMs: 0, faults: {} });
});


const address = (group: string) => `null_resource.${group}_content_0A1B2C3D`;

/** The query the data source sends: `{ address: jsonencode(triggers) }` per group. */
function query(specs: PackageGroupSpec[]): string {
  return JSON.stringify(Object.fromEntries(specs.map((s) => [address(s.group), JSON.stringify(specToTriggers(s))])));
}

/** Runs `check` with `input` on stdin; asserts the protocol (exit 0, one flat object of strings on stdout, nothing on stderr). */
async function check(input: string, env: Record<string, string | undefined> = { ...emulator.env }): Promise<{ result: Record<string, string>; run: CliResult }> {
  const run = await runCli(["check"], env, input);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  expect(run.stdout.endsWith("\n") && run.stdout.trim().split("\n")).toHaveLength(1);
  const result = JSON.parse(run.stdout);
  expect(typeof result === "object" && !Array.isArray(result)).toBe(true);
  for (const value of Object.values(result)) expect(typeof value).toBe("string");
  return { result, run };
}

/** Set up a live group the way the provisioner does. */
async function applied(group: string, names: string[]): Promise<void> {
  expect((await runCli(["upload-group"], fullEnv(emulator, { group, paths: names.map(OBS) }))).code).toBe(0);
}

/** What a person does in the DLI console: signed requests of their own. */
async function inConsole(action: (client: DliClient) => Promise<unknown>): Promise<void> {
  const session = await openSession({ region: "cn-north-4", env: { ...emulator.env }, progress: silentProgress });
  try {
    await action(session.client);
  } finally {
    await session.close();
  }
}

/** Only reads: every request the check sent was a GET. */
function expectOnlyReads(): void {
  const methods = new Set(emulator.requests().map((r) => r.method));
  expect([...methods].filter((m) => m !== "GET")).toEqual([]);
}

test("in sync: every group key empty, no error, one listing for the project", async () => {
  await applied("gatk", ["a.jar", "b.jar"]);
  await applied("tools", ["t.jar"]);
  emulator.clearRequests();
  const { result } = await check(query([spec("gatk", ["a.jar", "b.jar"]), spec("tools", ["t.jar"])]));
  expect(result).toEqual({
    [CHECK_RESULT_KEYS.error]: "",
    [CHECK_RESULT_KEYS.summary]: "2 groups checked in 1 project: all in sync (1 request)",
    [address("gatk")]: "",
    [address("tools")]: "",
  });
  expect(emulator.requests().map((r) => `${r.method} ${r.api}`)).toEqual(["GET ListJobResources"]);
});

test("a package deleted in the console: the group's line names it, and the repair command; the other group stays empty", async () => {
  await applied("gatk", ["a.jar", "b.jar"]);
  await applied("tools", ["t.jar"]);
  await inConsole((c) => c.deletePackage("b.jar", "gatk"));
  emulator.clearRequests();
  const { result } = await check(query([spec("gatk", ["a.jar", "b.jar"]), spec("tools", ["t.jar"])]));
  expect(result[address("gatk")]).toBe(
    `DLI package group gatk (jar, cn-north-4) is not what the stack declares: missing: b.jar. ` +
      `Repair: terraform apply -replace='${address("gatk")}' (or: dli-packages diff <synth dir> --repair)`,
  );
  expect(result[address("tools")]).toBe("");
  expect(result.error).toBe("");
  expect(result.summary).toBe("2 groups checked in 1 project: 1 not as declared (1 request)");
  expectOnlyReads();
});

test("a package added in the console is extra; a group deleted in the console is missing", async () => {
  await applied("gatk", ["a.jar"]);
  await applied("gone", ["g.jar"]);
  emulator.configure({ uploadSemantics: "merge" }); // the console adds a package to the group
  await inConsole((c) => c.uploadGroup("jar", "gatk", [OBS("added.jar")]));
  await inConsole((c) => c.deletePackage("g.jar", "gone"));
  emulator.clearRequests();
  const { result } = await check(query([spec("gatk", ["a.jar"]), spec("gone", ["g.jar"])]));
  expect(result[address("gatk")]).toMatch(/^DLI package group gatk \(jar, cn-north-4\) is not what the stack declares: extra: added\.jar\. Repair: /);
  expect(result[address("gone")]).toMatch(/^DLI package group gone \(jar, cn-north-4\) is not what the stack declares: group missing \(declares 1 package\)\. Repair: terraform apply -replace='null_resource\.gone_content_0A1B2C3D'/);
  expectOnlyReads();
});

test("a package not READY is named with its status, and the check does not wait for it", async () => {
  await applied("gatk", ["a.jar"]);
  emulator.configure({ readyDelayMs: 600_000 });
  await inConsole((c) => c.uploadGroup("jar", "gatk", [OBS("a.jar")])); // re-uploaded in the console: UPLOADING again
  emulator.clearRequests();
  const { result, run } = await check(query([spec("gatk", ["a.jar"])]));
  expect(result[address("gatk")]).toMatch(/is not what the stack declares: not READY: a\.jar \(UPLOADING\)\. Repair: /);
  expect(emulator.requests()).toHaveLength(1);
  expect(run.ms).toBeLessThan(30_000); // not the wait of an upload (here 600 s)
});

test("a group with a staged local file: its package is the file's object, checked like any path (nothing read from OBS)", async () => {
  const sha256 = "ab".repeat(32);
  const staged = OBS(`dli-staging/${sha256}/etl.jar`);
  const files = [{ source: `assets/etl/${sha256}/etl.jar`, objectUrl: staged, size: 10, sha256 }];
  await applied("built", ["lib.jar", `dli-staging/${sha256}/etl.jar`]);
  const declared = { ...spec("built", ["lib.jar"]), paths: [OBS("lib.jar"), staged], files };
  emulator.clearRequests();
  expect((await check(query([declared]))).result[address("built")]).toBe("");
  await inConsole((c) => c.deletePackage("etl.jar", "built"));
  emulator.clearRequests();
  expect((await check(query([declared]))).result[address("built")]).toMatch(/: missing: etl\.jar\. Repair: /);
  expect(emulator.requests().map((r) => r.api)).toEqual(["ListJobResources"]);
});

describe("faults at plan time: one bounded line in `error`, every group key empty, exit 0, nothing on stderr", () => {
  const specs = [spec("gatk", ["a.jar"]), spec("tools", ["t.jar"])];

  /** `groups`: false when the query could not be read (then it has no group keys to answer). */
  function expectOneWarning(result: Record<string, string>, pattern: RegExp, groups = true): void {
    expect(result.error).toMatch(/^dli-packages check: /);
    expect(result.error).toMatch(pattern);
    expect(result.error).toMatch(/; no package group was checked$/);
    expect(result.error.length).toBeLessThanOrEqual(2100);
    expect(result.error).not.toMatch(/[\n\r]/);
    expect(Object.keys(result).sort()).toEqual([...(groups ? [address("gatk"), address("tools")] : []), "error", "summary"].sort());
    expect(result[address("gatk")] ?? "").toBe("");
    expect(result[address("tools")] ?? "").toBe("");
  }

  test("no credentials: no request at all", async () => {
    const { HW_ACCESS_KEY: _ak, HW_SECRET_KEY: _sk, ...rest } = emulator.env;
    emulator.clearRequests();
    const { result } = await check(query(specs), rest);
    expectOneWarning(result, /could not read DLI \(cn-north-4\): no credentials: set HW_ACCESS_KEY/);
    expect(emulator.requests()).toEqual([]);
  });

  test("credentials rejected: the secret is never printed", async () => {
    const { result, run } = await check(query(specs), { ...emulator.env, HW_SECRET_KEY: CANARY.temporarySecretKey });
    expectOneWarning(result, /401/);
    expect(run.stdout).not.toContain(CANARY.temporarySecretKey);
  });

  test("no network (nothing listens on the endpoint): gives up within the check's short bounds", async () => {
    const { result, run } = await check(query(specs), { ...emulator.env, HW_DLI_ENDPOINT: "http://127.0.0.1:9", DLI_PACKAGES_RETRY_BASE_MS: "5" });
    expectOneWarning(result, /ECONNREFUSED|connect/i);
    expect(run.ms).toBeLessThan(20_000);
  });

  test("a 429 storm: waited out within the check's bound, then one warning; nothing written", async () => {
    emulator.configure({ faults: { rate429: 1 } });
    emulator.clearRequests();
    const { result, run } = await check(query(specs), { ...emulator.env, DLI_PACKAGES_RETRY_TOTAL_MS: "1500", DLI_PACKAGES_RETRY_MAX_DELAY_MS: "200" });
    expectOneWarning(result, /429/);
    expect(run.ms).toBeLessThan(15_000);
    expect(emulator.requests().length).toBeGreaterThan(1); // it did wait and retry
    expectOnlyReads();
  });

  test("a hostile environment (plain http to a remote host, control characters): refused before any request, escaped", async () => {
    emulator.clearRequests();
    const { result } = await check(query(specs), { ...emulator.env, HW_DLI_ENDPOINT: "http://dli.example.com\n\u001b[31mFAKE" });
    expectOneWarning(result, /HW_DLI_ENDPOINT: "http:\/\/dli\.example\.com\\n\\u001b\[31mFAKE"/);
    expect(emulator.requests()).toEqual([]);
  });

  test("a query that is not JSON, not an object, or holds a bad spec: one line naming what is wrong", async () => {
    expectOneWarning((await check("not json")).result, /the query on stdin is not JSON/, false);
    expect((await check("[1]")).result.error).toMatch(/the query on stdin is not a JSON object/);
    const bad = JSON.stringify({ [address("gatk")]: JSON.stringify({ ...specToTriggers(spec("gatk", ["a.jar"])), group: "bad group\u0007" }) });
    expect((await check(bad)).result.error).toMatch(/query entry null_resource\.gatk_content_0A1B2C3D is not a package-group spec: DLI_PACKAGES_SPEC\.group: /);
  });

  test("without retry settings, a check's own short bounds apply: three attempts on 500s, then the warning", async () => {
    emulator.configure({ faults: { rate500: 1 } });
    emulator.clearRequests();
    const { result, run } = await check(query(specs), { ...emulator.env, DLI_PACKAGES_MAX_ATTEMPTS: " " }); // blank: unset
    expectOneWarning(result, /500/);
    expect(run.ms).toBeLessThan(25_000);
    expect(emulator.requests().filter((r) => r.status === 500)).toHaveLength(3); // DLI_PACKAGES_MAX_ATTEMPTS 3 by default for a check
  });
});

test("cost: 10 and 1,000 groups of one project make the same calls, one listing, in one process", async () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `g${String(i).padStart(4, "0")}`);
  for (const group of names(10)) await inConsole((c) => c.uploadGroup("jar", group, [OBS(`${group}.jar`)]));
  const counts: Record<number, number> = {};
  for (const n of [10, 1000]) {
    emulator.clearRequests();
    const { result } = await check(query(names(n).map((g) => spec(g, [`${g}.jar`]))), { ...emulator.env, ...FAST_RETRIES });
    counts[n] = emulator.requests().length;
    expect(result.summary).toBe(`${n} groups checked in 1 project: ${n === 10 ? "all in sync" : `${n - 10} not as declared`} (1 request)`);
  }
  expect(counts).toEqual({ 10: 1, 1000: 1 });
  // Without a project id anywhere, IAM answers once per region, whatever the number of groups.
  const { HW_PROJECT_ID: _project, ...noProject } = emulator.env;
  emulator.clearRequests();
  await check(query(names(1000).map((g) => spec(g, [`${g}.jar`]))), noProject);
  expect(emulator.requests().map((r) => r.api)).toEqual(["KeystoneListProjects", "ListJobResources"]);
});

test("groups of two projects: one listing each", async () => {
  const other = OTHER_PROJECT;
  emulator.clearRequests();
  const { result } = await check(query([spec("gatk", ["a.jar"]), spec("other", ["o.jar"], { projectId: other })]));
  expect(result.summary).toMatch(/^2 groups checked in 2 projects: 2 not as declared \(2 requests\)$/);
  expect(emulator.requests().map((r) => r.path).sort()).toEqual([`/v2.0/${emulator.env.HW_PROJECT_ID}/resources`, `/v2.0/${other}/resources`].sort());
});
