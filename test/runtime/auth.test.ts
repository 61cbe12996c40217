/**
 * Credentials and project resolution end to end: AK/SK under both naming schemes, temporary
 * credentials, IAM tokens, conflicting sets, a wrong SK (401, not retried), and project-id
 * resolution through IAM with 0, 1 and 2 matches. Every output is checked for secrets.
 */
import { RunningEmulator } from "../../lib/emulator";
import { addSecret, CANARY, fullEnv, groupsOf, runCli, startTestEmulator, TEMP_ACCESS_KEY } from "./support/run-cli";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const NO_CREDENTIALS = { HW_ACCESS_KEY: undefined, HW_SECRET_KEY: undefined };

test("a wrong SK: exit 1 with status, APIG code, message and request id on one line, no retry", async () => {
  const result = await runCli(["upload-group"], fullEnv(emulator, {}, { HW_SECRET_KEY: "wrong-secret-key-value-0000" }));
  expect(result.code).toBe(1);
  const errorLines = result.stderr.split("\n").filter((l) => l.includes("error:"));
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toMatch(/POST \/v2\.0\/\w+\/resources\/jars → HTTP 401 · APIGW\.0301 · .+ · X-Request-Id \w+ — check the credentials/);
  expect(emulator.requests()).toHaveLength(1);
  expect(result.stderr).not.toContain("wrong-secret-key-value-0000");
});

test("the SDK's variable names work too", async () => {
  const env = fullEnv(emulator, {}, { ...NO_CREDENTIALS, HUAWEICLOUD_SDK_AK: emulator.env.HW_ACCESS_KEY, HUAWEICLOUD_SDK_SK: emulator.env.HW_SECRET_KEY });
  const result = await runCli(["upload-group"], env);
  expect(result.code).toBe(0);
  expect(groupsOf(emulator)).toEqual({ gatk: ["a.jar:READY", "b.jar:READY"] });
});

test("temporary credentials: AK/SK plus HW_SECURITY_TOKEN (signed); without the token → 401", async () => {
  const temporary = { HW_ACCESS_KEY: TEMP_ACCESS_KEY, HW_SECRET_KEY: CANARY.temporarySecretKey };
  const ok = await runCli(["upload-group"], fullEnv(emulator, {}, { ...temporary, HW_SECURITY_TOKEN: CANARY.securityToken }));
  expect(ok.code).toBe(0);
  const missingToken = await runCli(["upload-group"], fullEnv(emulator, {}, temporary));
  expect(missingToken.code).toBe(1);
  expect(missingToken.stderr).toMatch(/HTTP 401/);
});

test("IAM token auth: HW_AUTH_TOKEN from POST /v3/auth/tokens, sent as X-Auth-Token", async () => {
  const response = await fetch(`${emulator.env.HW_IAM_ENDPOINT}/v3/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: "runtime-user", password: CANARY.password, domain: { name: "runtime-domain" } } } },
        scope: { project: { name: "cn-north-4" } },
      },
    }),
  });
  expect(response.status).toBe(201);
  const token = response.headers.get("x-subject-token")!;
  addSecret(token);
  const env = fullEnv(emulator, {}, { ...NO_CREDENTIALS, HW_AUTH_TOKEN: token });
  const upload = await runCli(["upload-group"], env);
  expect(upload.code).toBe(0);
  const remove = await runCli(["delete-group"], env);
  expect(remove.code).toBe(0);
  expect(groupsOf(emulator)).toEqual({});
});

describe("credential problems are configuration errors (exit 2) naming variables, never values, before any request", () => {
  test.each([
    ["no credentials at all", { ...NO_CREDENTIALS }, /no credentials: set HW_ACCESS_KEY and HW_SECRET_KEY/],
    ["an AK without its SK", { HW_SECRET_KEY: undefined }, /HW_ACCESS_KEY is set but HW_SECRET_KEY is not/],
    ["an SK without its AK", { HW_ACCESS_KEY: undefined }, /HW_SECRET_KEY is set but HW_ACCESS_KEY is not/],
    ["a security token alone", { ...NO_CREDENTIALS, HW_SECURITY_TOKEN: CANARY.securityToken }, /HW_SECURITY_TOKEN is set without HW_ACCESS_KEY\/HW_SECRET_KEY/],
    ["both naming schemes with different values", { HUAWEICLOUD_SDK_AK: "OTHERAK", HUAWEICLOUD_SDK_SK: CANARY.temporarySecretKey }, /conflicting credentials: HW_ACCESS_KEY.* and HUAWEICLOUD_SDK_AK/],
    ["AK/SK and an IAM token", { HW_AUTH_TOKEN: CANARY.securityToken }, /conflicting credentials: HW_ACCESS_KEY\/HW_SECRET_KEY and HW_AUTH_TOKEN/],
  ])("%s", async (_name, extra, message) => {
    const result = await runCli(["upload-group"], fullEnv(emulator, {}, extra as Record<string, string | undefined>));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(emulator.requests()).toHaveLength(0);
  });
});

describe("project id resolution through IAM (no spec project id, no HW_PROJECT_ID)", () => {
  test("one project named after the region: used", async () => {
    const result = await runCli(["upload-group"], fullEnv(emulator, {}, { HW_PROJECT_ID: undefined }));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/project d1110ca1d1110ca1d1110ca1d1110ca1 \(resolved from IAM for region cn-north-4\)/);
    expect(emulator.requests().map((r) => r.api)).toEqual(["KeystoneListProjects", "UploadJarJobResources", "ListJobResources"]);
  });

  test("no project named after the region: exit 1 saying how many and what to set", async () => {
    const other = await startTestEmulator({ region: "ap-southeast-1" });
    try {
      const result = await runCli(["upload-group"], { ...fullEnv(other, {}, { HW_PROJECT_ID: undefined }) });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/IAM lists 0 projects named cn-north-4 .*set HW_PROJECT_ID/);
    } finally {
      await other.close();
    }
  });

  test("two projects named after the region: exit 1 listing both ids", async () => {
    const second = "0123456789abcdef0123456789abcdef";
    const two = await startTestEmulator({ projects: [{ id: second, name: "cn-north-4" }] });
    try {
      const result = await runCli(["upload-group"], fullEnv(two, {}, { HW_PROJECT_ID: undefined }));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`IAM lists 2 projects named cn-north-4 \\(d1110ca1d1110ca1d1110ca1d1110ca1, ${second}\\).*set HW_PROJECT_ID`));
    } finally {
      await two.close();
    }
  });

  test("the spec's project id wins over HW_PROJECT_ID and IAM", async () => {
    const result = await runCli(["upload-group"], fullEnv(emulator, { projectId: "d1110ca1d1110ca1d1110ca1d1110ca1" }, { HW_PROJECT_ID: "ffffffffffffffffffffffffffffffff" }));
    expect(result.code).toBe(0);
    expect(emulator.requests().map((r) => r.api)).toEqual(["UploadJarJobResources", "ListJobResources"]);
  });
});
