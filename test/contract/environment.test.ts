import {
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  identityFromEnvironment,
  PackageGroupSpec,
  SPEC_ENV,
  SPEC_SCHEMA_VERSION,
  specFromEnvironment,
  specToEnvironment,
} from "../../lib/contract";

const spec: PackageGroupSpec = {
  schemaVersion: SPEC_SCHEMA_VERSION,
  kind: "jar",
  group: "gatk",
  paths: ["https://my-bucket.obs.cn-north-4.myhuaweicloud.com/jobs/test_dli.jar", "https://my-bucket.obs.cn-north-4.myhuaweicloud.com/jobs/dli_tf.py"],
  region: "cn-north-4",
  projectId: "0123456789abcdef0123456789abcdef",
  endpoint: "http://127.0.0.1:8080",
  waitTimeoutSeconds: DEFAULT_WAIT_TIMEOUT_SECONDS,
  removalPolicy: "destroy",
};

describe("spec ⇄ environment", () => {
  test("a spec written as environment variables reads back equal", () => {
    expect(specFromEnvironment(specToEnvironment(spec))).toEqual({ ok: true, spec });
  });

  test("optional fields left out come back undefined, not empty strings", () => {
    const { projectId, endpoint, ...required } = spec;
    void projectId;
    void endpoint;
    expect(specFromEnvironment(specToEnvironment(required))).toEqual({ ok: true, spec: required });
  });

  test("the identity alone reads back from the identity variables", () => {
    const env = specToEnvironment(spec);
    delete env[SPEC_ENV.paths];
    delete env[SPEC_ENV.waitTimeoutSeconds];
    const result = identityFromEnvironment(env);
    expect(result).toEqual({
      ok: true,
      identity: { schemaVersion: "1", kind: "jar", group: "gatk", region: "cn-north-4", projectId: spec.projectId, endpoint: spec.endpoint },
    });
  });

  test("missing variables are named, all at once", () => {
    const result = specFromEnvironment({ [SPEC_ENV.schemaVersion]: "1" });
    expect(result.ok).toBe(false);
    const fields = !result.ok ? result.problems.map((p) => p.field) : [];
    expect(fields).toEqual([SPEC_ENV.kind, SPEC_ENV.group, SPEC_ENV.paths, SPEC_ENV.region, SPEC_ENV.waitTimeoutSeconds, SPEC_ENV.removalPolicy]);
  });

  test("a bad region is one problem: the paths are not also checked against it", () => {
    const result = specFromEnvironment({ ...specToEnvironment(spec), [SPEC_ENV.region]: "nowhere" });
    expect(result).toEqual({ ok: false, problems: [{ field: SPEC_ENV.region, value: "nowhere", rule: expect.stringContaining("region id") }] });
  });

  test("a variable set to an empty string counts as missing", () => {
    const result = specFromEnvironment({ ...specToEnvironment(spec), [SPEC_ENV.group]: "" });
    expect(result).toEqual({ ok: false, problems: [{ field: SPEC_ENV.group, value: undefined, rule: expect.stringContaining("must be set") }] });
  });

  test("a spec from another schema version is refused with what to do", () => {
    const result = specFromEnvironment({ ...specToEnvironment(spec), [SPEC_ENV.schemaVersion]: "99" });
    expect(!result.ok && result.problems[0].rule).toMatch(/re-synthesize/);
  });

  test("bad values are reported under their environment variable names", () => {
    const env = { ...specToEnvironment(spec), [SPEC_ENV.group]: "bad group!", [SPEC_ENV.paths]: '["https://obs.cn-north-4.myhuaweicloud.com/b/k.jar"]', [SPEC_ENV.waitTimeoutSeconds]: "1.5" };
    const result = specFromEnvironment(env);
    expect(!result.ok && result.problems.map((p) => p.field)).toEqual([SPEC_ENV.group, `${SPEC_ENV.paths}[0]`, SPEC_ENV.waitTimeoutSeconds]);
    // each with its own value: the timeout's as set (not NaN), the others' untouched
    expect(!result.ok && result.problems.map((p) => p.value)).toEqual(["bad group!", "https://obs.cn-north-4.myhuaweicloud.com/b/k.jar", "1.5"]);
  });

  test.each([
    ["not JSON", "a,b"],
    ["a JSON object", '{"a":"https://b.obs.cn-north-4.myhuaweicloud.com/a.jar"}'],
    ["a JSON array with a number", '["https://b.obs.cn-north-4.myhuaweicloud.com/a.jar",1]'],
  ])("paths that are %s are refused, naming the variable and the value", (_what, text) => {
    const result = specFromEnvironment({ ...specToEnvironment(spec), [SPEC_ENV.paths]: text });
    expect(result).toEqual({ ok: false, problems: [{ field: SPEC_ENV.paths, value: text, rule: "a JSON array of OBS object URLs" }] });
  });

  test("the identity alone: missing variables are named all at once, another schema version is refused", () => {
    expect(identityFromEnvironment({ [SPEC_ENV.schemaVersion]: "1", [SPEC_ENV.kind]: "jar" })).toEqual({
      ok: false,
      problems: [SPEC_ENV.group, SPEC_ENV.region].map((field) => ({ field, value: undefined, rule: expect.stringContaining("must be set") })),
    });
    const other = identityFromEnvironment({ ...specToEnvironment(spec), [SPEC_ENV.schemaVersion]: "99" });
    expect(other).toEqual({ ok: false, problems: [{ field: SPEC_ENV.schemaVersion, value: "99", rule: expect.stringMatching(/reads spec version 1; re-synthesize/) }] });
  });
});

describe("the environment-string limit (issue 11 §3): one rule for synth and runtime", () => {
  const { checkPathsSize, MAX_ENVIRONMENT_STRING_BYTES, pathsEnvironmentBytes } = require("../../lib/contract") as typeof import("../../lib/contract");
  const many = (n: number) => Array.from({ length: n }, (_, i) => `https://my-bucket.obs.cn-north-4.myhuaweicloud.com/jobs/some/deeper/folder/package-${String(i).padStart(5, "0")}.jar`);

  test("the bound is Linux's MAX_ARG_STRLEN, counted as NAME=value plus NUL", () => {
    expect(MAX_ENVIRONMENT_STRING_BYTES).toBe(128 * 1024);
    expect(pathsEnvironmentBytes(["a"])).toBe(Buffer.byteLength(`${SPEC_ENV.paths}=["a"]`) + 1);
    expect(checkPathsSize(many(10))).toEqual([]);
  });

  test("a larger DLI_PACKAGES_PATHS read by the runtime is refused naming the limit and the size", () => {
    const env = specToEnvironment({ ...spec, paths: many(1600) });
    const bytes = Buffer.byteLength(`${SPEC_ENV.paths}=${env[SPEC_ENV.paths]}`) + 1;
    expect(bytes).toBeGreaterThan(MAX_ENVIRONMENT_STRING_BYTES);
    const parsed = specFromEnvironment(env);
    expect(parsed.ok).toBe(false);
    const problem = !parsed.ok && parsed.problems.find((p) => p.field === SPEC_ENV.paths);
    expect(problem).toMatchObject({ value: `1600 paths, ${bytes} bytes as ${SPEC_ENV.paths}` });
    expect((problem as { rule: string }).rule).toMatch(/at most 131072 bytes \(128 KiB, Linux MAX_ARG_STRLEN\).*E2BIG/);
  });
});
