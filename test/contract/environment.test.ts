import {
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  IDENTITY_FIELDS,
  identityFromEnvironment,
  PackageGroupSpec,
  SPEC_ENV,
  SPEC_FIELDS,
  SPEC_SCHEMA_VERSION,
  SPEC_VARIABLE,
  SpecField,
  specFromEnvironment,
  specToEnvironment,
  specToTriggers,
} from "../../lib/contract";
import { terraformJsonEncode } from "../../lib/contract/terraform-json";

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
  const { MAX_ENVIRONMENT_STRING_BYTES, specEnvironmentBytes, specToTriggers } = require("../../lib/contract") as typeof import("../../lib/contract");
  const many = (n: number) => Array.from({ length: n }, (_, i) => `https://my-bucket.obs.cn-north-4.myhuaweicloud.com/jobs/some/deeper/folder/package-${String(i).padStart(5, "0")}.jar`);

  test("the bound is Linux's MAX_ARG_STRLEN, counted as NAME=value plus NUL", () => {
    expect(MAX_ENVIRONMENT_STRING_BYTES).toBe(128 * 1024);
    expect(specEnvironmentBytes({ group: "a" })).toBe(Buffer.byteLength('DLI_PACKAGES_SPEC={"group":"a"}') + 1);
  });

  test("a spec larger than one environment string, read by the runtime, is refused naming the limit and the size", () => {
    const large = { ...spec, paths: many(1600) };
    const bytes = specEnvironmentBytes(specToTriggers(large));
    expect(bytes).toBeGreaterThan(MAX_ENVIRONMENT_STRING_BYTES);
    for (const env of [specToEnvironment(large), specToSpecVariable(large)]) {
      const parsed = specFromEnvironment(env);
      expect(parsed.ok).toBe(false);
      const problem = !parsed.ok && parsed.problems.find((p) => p.value === `1600 paths, ${bytes} bytes as DLI_PACKAGES_SPEC`);
      expect(problem).toBeTruthy();
      expect((problem as { rule: string }).rule).toMatch(/at most 131072 bytes \(128 KiB, Linux MAX_ARG_STRLEN\).*E2BIG/);
    }
  });
});

/** What the synthesized upload-group provisioner passes: jsonencode of the content triggers. */
function specToSpecVariable(value: PackageGroupSpec, fields: readonly SpecField[] = SPEC_FIELDS): Record<string, string> {
  return { [SPEC_VARIABLE]: terraformJsonEncode(specToTriggers(value, fields)) };
}

describe("DLI_PACKAGES_SPEC: the spec as the provisioners pass it, jsonencode of the resource's triggers", () => {
  test("reads back equal, with and without the optional fields", () => {
    expect(specFromEnvironment(specToSpecVariable(spec))).toEqual({ ok: true, spec });
    const { projectId, endpoint, ...required } = spec;
    void projectId;
    void endpoint;
    expect(specFromEnvironment(specToSpecVariable(required))).toEqual({ ok: true, spec: required });
  });

  test("the identity reads back from the identity resource's triggers", () => {
    expect(identityFromEnvironment(specToSpecVariable(spec, IDENTITY_FIELDS))).toEqual({
      ok: true,
      identity: { schemaVersion: "1", kind: "jar", group: "gatk", region: "cn-north-4", projectId: spec.projectId, endpoint: spec.endpoint },
    });
  });

  test("when it is set, the per-field variables are ignored: a stray one in Terraform's environment changes nothing", () => {
    const stray = { [SPEC_ENV.group]: "evil", [SPEC_ENV.region]: "eu-west-101", [SPEC_ENV.paths]: "[]", [SPEC_ENV.projectId]: "f".repeat(32) };
    expect(specFromEnvironment({ ...stray, ...specToSpecVariable(spec) })).toEqual({ ok: true, spec });
    expect(identityFromEnvironment({ ...stray, ...specToSpecVariable(spec, IDENTITY_FIELDS) })).toMatchObject({ ok: true, identity: { group: "gatk", region: "cn-north-4" } });
  });

  test.each([
    ["not JSON", "group=gatk"],
    ["empty", ""],
    ["a JSON array", '["gatk"]'],
    ["JSON null", "null"],
    ["a JSON string", '"gatk"'],
  ])("a value that is %s is refused, naming the variable and the value", (_what, text) => {
    for (const parse of [specFromEnvironment, identityFromEnvironment]) {
      expect(parse({ [SPEC_VARIABLE]: text })).toEqual({
        ok: false,
        problems: [{ field: SPEC_VARIABLE, value: text, rule: expect.stringMatching(/^a JSON object of the spec's trigger keys to strings/) }],
      });
    }
  });

  test("unknown keys and values that are not strings are refused, every one at once", () => {
    const text = JSON.stringify({ ...specToTriggers(spec), wait_timeout_seconds: 1800, paths: ["a"], __proto__x: "1", extra: "x" });
    const result = specFromEnvironment({ [SPEC_VARIABLE]: text });
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: "DLI_PACKAGES_SPEC.paths", value: ["a"], rule: "a string" },
        { field: "DLI_PACKAGES_SPEC.wait_timeout_seconds", value: 1800, rule: "a string" },
        { field: SPEC_VARIABLE, value: "__proto__x", rule: expect.stringContaining("an unknown key; the keys are spec_version, kind, group, paths, region") },
        { field: SPEC_VARIABLE, value: "extra", rule: expect.stringContaining("unknown key") },
      ],
    });
    // A "__proto__" key is an own key of the parsed object, and unknown too
    expect(specFromEnvironment({ [SPEC_VARIABLE]: '{"__proto__":{"group":"evil"}}' })).toEqual({
      ok: false,
      problems: [{ field: SPEC_VARIABLE, value: "__proto__", rule: expect.stringContaining("unknown key") }],
    });
  });

  test("the identity provisioner's spec has only the identity keys: any other is unknown to delete-group", () => {
    const result = identityFromEnvironment(specToSpecVariable(spec));
    expect(!result.ok && result.problems.map((p) => p.value)).toEqual(["paths", "removal_policy", "wait_timeout_seconds"]);
  });

  test("problems name the key inside DLI_PACKAGES_SPEC, with their values", () => {
    const triggers = { ...specToTriggers(spec), group: "bad group!", paths: '["https://obs.cn-north-4.myhuaweicloud.com/b/k.jar"]', wait_timeout_seconds: "1.5" };
    const result = specFromEnvironment({ [SPEC_VARIABLE]: JSON.stringify(triggers) });
    expect(!result.ok && result.problems.map((p) => [p.field, p.value])).toEqual([
      ["DLI_PACKAGES_SPEC.group", "bad group!"],
      ["DLI_PACKAGES_SPEC.paths[0]", "https://obs.cn-north-4.myhuaweicloud.com/b/k.jar"],
      ["DLI_PACKAGES_SPEC.wait_timeout_seconds", "1.5"],
    ]);
  });

  test("missing keys are named, all at once; another schema version is refused with what to do", () => {
    const result = specFromEnvironment({ [SPEC_VARIABLE]: '{"spec_version":"1","group":""}' });
    expect(!result.ok && result.problems.map((p) => p.field)).toEqual(
      ["kind", "group", "paths", "region", "wait_timeout_seconds", "removal_policy"].map((key) => `DLI_PACKAGES_SPEC.${key}`),
    );
    expect(identityFromEnvironment({ [SPEC_VARIABLE]: '{"spec_version":"1","kind":"jar"}' })).toEqual({
      ok: false,
      problems: ["group", "region"].map((key) => ({ field: `DLI_PACKAGES_SPEC.${key}`, value: undefined, rule: expect.stringContaining("must be set") })),
    });
    const other = specFromEnvironment(specToSpecVariable({ ...spec, schemaVersion: "99" }));
    expect(other).toEqual({ ok: false, problems: [{ field: "DLI_PACKAGES_SPEC.spec_version", value: "99", rule: expect.stringMatching(/re-synthesize/) }] });
    const otherIdentity = identityFromEnvironment(specToSpecVariable({ ...spec, schemaVersion: "99" }, IDENTITY_FIELDS));
    expect(!otherIdentity.ok && otherIdentity.problems[0].field).toBe("DLI_PACKAGES_SPEC.spec_version");
  });

  test("paths that are not a JSON array of strings, and a bad identity field, are named inside it", () => {
    const result = specFromEnvironment({ [SPEC_VARIABLE]: JSON.stringify({ ...specToTriggers(spec), paths: "a,b" }) });
    expect(result).toEqual({ ok: false, problems: [{ field: "DLI_PACKAGES_SPEC.paths", value: "a,b", rule: "a JSON array of OBS object URLs" }] });
    const identity = identityFromEnvironment(specToSpecVariable({ ...spec, region: "nowhere" }, IDENTITY_FIELDS));
    expect(identity).toEqual({ ok: false, problems: [{ field: "DLI_PACKAGES_SPEC.region", value: "nowhere", rule: expect.stringContaining("region id") }] });
  });
});
