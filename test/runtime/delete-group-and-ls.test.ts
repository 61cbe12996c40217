/** delete-group idempotence, ls output, and the CLI's usage contract (exit 2, --help). */
import { RunningEmulator } from "../../lib/emulator";
import { fullEnv, groupsOf, OBS, runCli, specEnv, startTestEmulator } from "./support/run-cli";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const identityOnly = (env: Record<string, string | undefined>) => ({ ...env, DLI_PACKAGES_PATHS: undefined, DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: undefined, DLI_PACKAGES_REMOVAL_POLICY: undefined });

test("delete-group deletes every package, reports them, and a second run is a no-op success", async () => {
  expect((await runCli(["upload-group"], fullEnv(emulator))).code).toBe(0);
  const first = await runCli(["delete-group"], identityOnly(fullEnv(emulator)));
  expect(first.code).toBe(0);
  expect(first.stderr).toMatch(/delete-group jar group=gatk: deleted 2: a\.jar, b\.jar$/m);
  expect(groupsOf(emulator)).toEqual({});
  emulator.clearRequests();
  const second = await runCli(["delete-group"], identityOnly(fullEnv(emulator)));
  expect(second.code).toBe(0);
  expect(second.stderr).toMatch(/group gatk not found: nothing to delete/);
  expect(emulator.requests().map((r) => r.api)).toEqual(["ListJobResources"]);
});

test("delete-group leaves other groups alone", async () => {
  expect((await runCli(["upload-group"], fullEnv(emulator, { group: "keep", paths: [OBS("k.jar")] }))).code).toBe(0);
  expect((await runCli(["upload-group"], fullEnv(emulator))).code).toBe(0);
  expect((await runCli(["delete-group"], fullEnv(emulator))).code).toBe(0);
  expect(groupsOf(emulator)).toEqual({ keep: ["k.jar:READY"] });
});

test("ls prints a table, filters by group and kind, and --json prints JSON on stdout only", async () => {
  expect((await runCli(["upload-group"], fullEnv(emulator))).code).toBe(0);
  expect((await runCli(["upload-group"], fullEnv(emulator, { kind: "pyFile", group: "py", paths: [OBS("x.py")] }))).code).toBe(0);
  const env = { ...emulator.env };
  const table = await runCli(["ls"], env);
  expect(table.code).toBe(0);
  expect(table.stdout.split("\n")[0]).toMatch(/^GROUP\s+PACKAGE\s+KIND\s+STATUS$/);
  expect(table.stdout).toMatch(/^gatk\s+a\.jar\s+jar\s+READY$/m);
  expect(table.stdout).toMatch(/^py\s+x\.py\s+pyFile\s+READY$/m);
  const json = await runCli(["ls", "--json", "--group", "py"], env);
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout)).toEqual({
    region: "cn-north-4",
    projectId: emulator.env.HW_PROJECT_ID,
    groups: [{ group: "py", status: "READY", packages: [{ name: "x.py", kind: "pyFile", status: "READY" }] }],
  });
  const kind = await runCli(["ls", "--kind", "jar", "--json"], env);
  expect(JSON.parse(kind.stdout).groups.map((g: { group: string }) => g.group)).toEqual(["gatk"]);
});

describe("usage and configuration errors exit 2 before any request", () => {
  test.each([
    [[], /Usage: dli-packages <command>/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [["upload-group", "--force"], /Unknown option '--force'/],
    [["ls", "--kind", "egg"], /--kind: "egg" must be one of file, jar, pyFile, modelFile/],
    [["diff"], /diff takes one synth directory/],
  ])("dli-packages %j", async (args, message) => {
    const result = await runCli(args as string[], { ...emulator.env, ...specEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(emulator.requests()).toHaveLength(0);
  });

  test("a missing spec variable is named", async () => {
    const result = await runCli(["upload-group"], { ...emulator.env, ...specEnv(), DLI_PACKAGES_GROUP: undefined });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DLI_PACKAGES_GROUP — must be set/);
  });

  test("ls without HW_REGION_NAME names it", async () => {
    const result = await runCli(["ls"], { ...emulator.env, HW_REGION_NAME: undefined });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HW_REGION_NAME is not set/);
  });

  test("ls with a hostile HW_REGION_NAME: the spec's region rule, one bounded line, no request", async () => {
    const result = await runCli(["ls"], { ...emulator.env, HW_REGION_NAME: `cn-${"a".repeat(5000)}-1` /* 5007 chars */ });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dli-packages: ls: error: HW_REGION_NAME: "cn-aaa.*… \(5007 chars\) — a Huawei Cloud region id such as cn-north-4 or ap-southeast-1\n$/);
    expect(emulator.requests()).toHaveLength(0);
  });

  test("an unreadable retry bound is named", async () => {
    const result = await runCli(["upload-group"], fullEnv(emulator, {}, { DLI_PACKAGES_MAX_ATTEMPTS: "lots" }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DLI_PACKAGES_MAX_ATTEMPTS: "lots" must be a whole number from 1 to 100/);
  });

  test("a malformed HW_DLI_ENDPOINT is named", async () => {
    const result = await runCli(["upload-group"], fullEnv(emulator, {}, { HW_DLI_ENDPOINT: "not a url" }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HW_DLI_ENDPOINT: "not a url" — an https:\/\/ URL/);
  });
});

test.each(["upload-group", "delete-group", "ls", "diff"])("%s --help prints its usage and exits 0", async (command) => {
  const result = await runCli([command, "--help"], {});
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(new RegExp(`^Usage: dli-packages ${command}`));
});
