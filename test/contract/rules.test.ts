/** The shared spec rules, called directly: each boundary and branch a mutation run showed untested. */
import {
  checkObsPath,
  checkPaths,
  checkRegion,
  checkSpec,
  checkSpecEnvironmentSize,
  MAX_ENVIRONMENT_STRING_BYTES,
  PackageGroupSpec,
  packageNameOf,
  RULES,
  specEnvironmentBytes,
  specToTriggers,
} from "../../lib/contract";
import { terraformJsonEncode } from "../../lib/contract/terraform-json";

const HOST = "https://bkt.obs.cn-north-4.myhuaweicloud.com";

describe("OBS path rules", () => {
  test.each([
    ["https://b1.obs.cn-north-4.myhuaweicloud.com/a.jar", "bucket names are 3–63"],
    ["https://a..b.obs.cn-north-4.myhuaweicloud.com/a.jar", "bucket names are 3–63"],
  ])("%s is rejected with the bucket rule", (path, fragment) => {
    const problems = checkObsPath(path, 0);
    expect(problems).toHaveLength(1);
    expect(problems[0].rule).toContain(fragment);
  });

  test("a valid virtual-hosted URL passes", () => {
    expect(checkObsPath("https://bkt.obs.cn-north-4.myhuaweicloud.com/jobs/a.jar", 0)).toEqual([]);
  });

  // The URL parser reports an empty query or fragment as "": the raw text decides.
  test.each([
    [`${HOST}/a.jar?`, "remove the query string"],
    [`${HOST}/a.jar?v=1`, "remove the query string"],
    [`${HOST}/a.jar#`, "remove the fragment"],
    [`${HOST}/a.jar#top`, "remove the fragment"],
  ])("%s: %s", (path, rule) => {
    expect(checkObsPath(path, 3)).toEqual([{ field: "paths[3]", value: path, rule: expect.stringContaining(rule) }]);
  });

  test.each([
    ["a user name alone", "https://user@bkt.obs.cn-north-4.myhuaweicloud.com/a.jar"],
    ["a password alone", "https://:secret@bkt.obs.cn-north-4.myhuaweicloud.com/a.jar"],
    ["user and password", "https://user:secret@bkt.obs.cn-north-4.myhuaweicloud.com/a.jar"],
    ["a port", "https://bkt.obs.cn-north-4.myhuaweicloud.com:8443/a.jar"],
  ])("%s is refused: no user info or port", (_what, path) => {
    expect(checkObsPath(path, 0)).toEqual([{ field: "paths[0]", value: path, rule: expect.stringContaining("no user info or port") }]);
  });
});

describe("what is not an object URL at all", () => {
  test("an obs:// URI names the object URL to write instead, with or without a key", () => {
    expect(checkObsPath("obs://bkt/jobs/a.jar", 0)[0].rule).toBe(
      "obs:// URIs are not accepted by the DLI package API; write the object URL instead: https://bkt.obs.{region}.myhuaweicloud.com/jobs/a.jar",
    );
    expect(checkObsPath("obs://bkt", 0)[0].rule).toBe("obs:// URIs are not accepted by the DLI package API; write the object URL instead: https://bkt.obs.{region}.myhuaweicloud.com/");
  });

  test("obs:// with an empty bucket keeps the key in the suggestion", () => {
    expect(checkObsPath("obs:///a.jar", 0)[0].rule).toBe("obs:// URIs are not accepted by the DLI package API; write the object URL instead: https://.obs.{region}.myhuaweicloud.com/a.jar");
  });

  test("a path-style OBS URL names the virtual-hosted form; hosts that only contain that form get the URL rule", () => {
    expect(checkObsPath("https://obs.cn-north-4.myhuaweicloud.com/bkt/jobs/a.jar", 0)[0].rule).toBe(
      "path-style OBS URLs are rejected by OBS; use the virtual-hosted form https://bkt.obs.cn-north-4.myhuaweicloud.com/jobs/a.jar",
    );
    for (const path of ["https://xobs.cn-north-4.myhuaweicloud.com/bkt/a.jar", "https://obs.cn-north-4.myhuaweicloud.com.evil.example/bkt/a.jar"]) {
      expect(checkObsPath(path, 0)).toEqual([{ field: "paths[0]", value: path, rule: RULES.obsUrl }]);
    }
  });

  test("a text the URL parser refuses gets the URL rule", () => {
    expect(checkObsPath("a.jar", 2)).toEqual([{ field: "paths[2]", value: "a.jar", rule: RULES.obsUrl }]);
  });

  test("the package name is the decoded last segment; a malformed escape is kept as written", () => {
    expect(packageNameOf(`${HOST}/jobs/my%20lib.jar?x#y`)).toBe("my lib.jar");
    expect(packageNameOf(`${HOST}/jobs/a%E0%A4%A.jar`)).toBe("a%E0%A4%A.jar");
  });
});

describe("the spec fits in one environment string (DLI_PACKAGES_SPEC, paths included)", () => {
  const base: PackageGroupSpec = {
    schemaVersion: "1",
    kind: "jar",
    group: "gatk",
    paths: [],
    region: "cn-north-4",
    projectId: "0123456789abcdef0123456789abcdef",
    waitTimeoutSeconds: 1800,
    removalPolicy: "destroy",
  };
  const bytesOf = (spec: PackageGroupSpec) => specEnvironmentBytes(specToTriggers(spec));

  /** A spec whose DLI_PACKAGES_SPEC string is exactly `bytes` long (NUL included). */
  function specOfBytes(bytes: number): PackageGroupSpec {
    const paths = Array.from({ length: 900 }, (_, i) => `${HOST}/jobs/package-${String(i).padStart(5, "0")}.jar`);
    const short = bytes - bytesOf({ ...base, paths });
    expect(short).toBeGreaterThan(0);
    // One more path adds `,\"<path>\"`: the rest as folders of 100 characters and a package name of 5–104.
    const body = short - 5 - `${HOST}/`.length - ".jar".length;
    const folders = Math.floor((body - 5) / 100);
    paths.push(`${HOST}/${`${"d".repeat(99)}/`.repeat(folders)}${"n".repeat(body - 100 * folders)}.jar`);
    const spec = { ...base, paths };
    expect(bytesOf(spec)).toBe(bytes);
    return spec;
  }

  test(`exactly ${MAX_ENVIRONMENT_STRING_BYTES} bytes pass; one byte more is refused with the size`, () => {
    expect(checkSpecEnvironmentSize(specOfBytes(MAX_ENVIRONMENT_STRING_BYTES))).toEqual([]);
    const over = specOfBytes(MAX_ENVIRONMENT_STRING_BYTES + 1);
    expect(checkSpecEnvironmentSize(over)).toEqual([
      {
        field: "paths",
        value: `901 paths, ${MAX_ENVIRONMENT_STRING_BYTES + 1} bytes as DLI_PACKAGES_SPEC`,
        rule: "the group's spec, its paths included, must fit in one environment string of at most 131072 bytes (128 KiB, Linux MAX_ARG_STRLEN), or Terraform cannot start the provisioner (E2BIG); split the group into smaller groups or use shorter object keys",
      },
    ]);
    // checkSpec reports it once, with the paths
    expect(checkSpec(over).map((p) => p.field)).toEqual(["paths"]);
  });

  test("the size is of the string Terraform builds: NAME=, jsonencode's escapes, UTF-8 bytes, the NUL", () => {
    const triggers = { group: "g", paths: JSON.stringify([`${HOST}/a<b>&é\u2028.jar`]) };
    const value = '{"group":"g","paths":"[\\"' + `${HOST}/a\\u003cb\\u003e\\u0026é\\u2028.jar` + '\\"]"}';
    expect(terraformJsonEncode(triggers)).toBe(value);
    expect(specEnvironmentBytes(triggers)).toBe(Buffer.byteLength(`DLI_PACKAGES_SPEC=${value}`) + 1);
  });

  test("a spec with many escaped characters is counted exactly, not by its length", () => {
    // '&' takes 6 bytes in the environment string: 30,000 of them do not fit, though the spec has fewer than 131072 characters
    const spec = { ...base, paths: [`${HOST}/${"&".repeat(30_000)}.jar`] };
    expect(JSON.stringify(specToTriggers(spec)).length).toBeLessThan(MAX_ENVIRONMENT_STRING_BYTES);
    expect(checkSpecEnvironmentSize(spec)).toEqual([expect.objectContaining({ value: `1 paths, ${bytesOf(spec)} bytes as DLI_PACKAGES_SPEC` })]);
    expect(bytesOf(spec)).toBeGreaterThan(180_000);
  });
});

describe("region", () => {
  // "cn-" + letters + "-1": a region id that is one DNS label of dli.{region}.… only up to 63 characters
  const regionOf = (length: number) => `cn-${"a".repeat(length - 5)}-1`;

  test.each([
    ["cn-north-4", true],
    ["ap-southeast-1", true],
    ["eu-west-101", true],
    ["cn-south-west-2", true],
    ["9cn-north-4", false],
    ["cn-north-4a", false],
    ["cn-north", false],
    ["CN-north-4", false],
  ])("%s → accepted: %s", (region, accepted) => {
    expect(checkRegion(region)).toEqual(accepted ? [] : [{ field: "region", value: region, rule: RULES.region }]);
  });

  test("a value that is not a string is refused, never thrown on", () => {
    for (const region of [undefined, 5, ["cn-north-4"]]) expect(checkRegion(region)).toEqual([{ field: "region", value: region, rule: RULES.region }]);
  });

  test("63 characters pass, 64 are refused", () => {
    expect(regionOf(63)).toHaveLength(63);
    expect(checkRegion(regionOf(63))).toEqual([]);
    expect(checkRegion(regionOf(64))).toEqual([{ field: "region", value: regionOf(64), rule: expect.stringContaining("region id") }]);
  });
});

describe("each pattern at its edges", () => {
  const { checkEndpoint, checkGroupName, checkProjectId } = require("../../lib/contract") as typeof import("../../lib/contract");
  const ok = (problems: unknown[]) => problems.length === 0;

  test.each([
    ["g", true],
    ["g".repeat(64), true],
    ["a.b_c-D9", true],
    ["", false],
    ["g".repeat(65), false],
    [" ab", false],
    ["ab ", false],
    ["a/b", false],
  ])("group %j → accepted: %s", (group, accepted) => {
    expect(ok(checkGroupName(group))).toBe(accepted);
  });

  test.each([
    ["a.jar", true],
    ["_a!-.jar", true],
    [`${"n".repeat(124)}.jar`, true],
    [`${"n".repeat(125)}.jar`, false],
    [".hidden.jar", false],
    ["a b.jar", false],
    ["a+b.jar", false],
  ])("package name %j → accepted: %s", (name, accepted) => {
    expect(ok(checkObsPath(`${HOST}/jobs/${encodeURIComponent(name)}`, 0))).toBe(accepted);
  });

  test.each([
    ["0123456789abcdef0123456789abcdef", true],
    ["0123456789abcdef0123456789abcde", false],
    ["0123456789abcdef0123456789abcdef0", false],
    ["0123456789ABCDEF0123456789ABCDEF", false],
    ["x0123456789abcdef0123456789abcdef", false],
  ])("project id %s → accepted: %s", (projectId, accepted) => {
    expect(ok(checkProjectId(projectId))).toBe(accepted);
  });

  test("a project id that only reads as one when made a string (a one-element list) is refused", () => {
    const list = ["0123456789abcdef0123456789abcdef"];
    expect(checkProjectId(list)).toEqual([{ field: "projectId", value: list, rule: RULES.projectId }]);
  });

  test.each([
    ["abc", true],
    ["a".repeat(63), true],
    ["my.bucket-1", true],
    ["ab", false],
    ["a".repeat(64), false],
    ["-ab", false],
    ["-abc", false],
    ["ab-", false],
    ["abc-", false],
    ["a_b", false],
  ])("bucket %s → accepted: %s", (bucket, accepted) => {
    const problems = checkObsPath(`https://${bucket}.obs.cn-north-4.myhuaweicloud.com/a.jar`, 0);
    expect(ok(problems)).toBe(accepted);
    if (!accepted) expect(problems[0].rule).toContain("bucket names are 3–63");
  });

  test.each([
    ["https://b1b.obs.cn-north-4.myhuaweicloud.com/a.jar", true],
    ["https://b1b.obs.eu-west-101.myhuaweicloud.eu/a.jar", true],
    ["https://b1b.obs.cn-north-4.myhuaweicloud.com.evil.example/a.jar", false],
    ["https://b1b.obs.cn-north-4.myhuaweicloud.org/a.jar", false],
    ["https://b1b.obs.cn_north.myhuaweicloud.com/a.jar", false],
    ["https://b1b.obs..myhuaweicloud.com/a.jar", false],
    ["https://.obs.cn-north-4.myhuaweicloud.com/a.jar", false],
    ["https://b1b.cn-north-4.myhuaweicloud.com/a.jar", false],
  ])("host of %s → accepted: %s", (path, accepted) => {
    expect(ok(checkObsPath(path, 0))).toBe(accepted);
  });

  test.each([
    ["\u001f", false],
    ["\u007f", false],
    ["\u0080", false],
    ["\u009f", false],
    ["\u2028", false],
    ["\u2029", false],
    ["\u00a0", true],
    ["\u00e9", true],
  ])("a path holding %j → accepted: %s (control characters are refused as written)", (char, accepted) => {
    const problems = checkObsPath(`${HOST}/jobs/a${char}.jar`, 0);
    expect(problems.some((p) => p.rule.includes("no control characters"))).toBe(!accepted);
  });

  test.each([
    ["https://dli.example.com", true],
    ["http://127.0.0.1:8080", true],
    ["http://[::1]:8080", true],
    ["http://localhost:8080", true],
    ["https://dli.example.com/", true],
    ["http://dli.example.com", false],
    ["https://dli.example.com/v2", false],
    ["https://dli.example.com?x", false],
    ["https://dli.example.com#x", false],
    ["https://dli.example.com\\x", false],
    ["https:// dli.example.com", false],
    ["https://dli.example.com\u0000", false],
    ["https://dli.example.com\u0020", false],
    ["https://user@dli.example.com", false],
    ["https://:@dli.example.com", false],
    [`https://${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`, true],
    [`https://${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(62)}`, false],
    ["ftp://dli.example.com", false],
    ["ftp://127.0.0.1:8080", false],
    ["not a url", false],
  ])("endpoint %j → accepted: %s", (endpoint, accepted) => {
    expect(checkEndpoint(endpoint)).toEqual(accepted ? [] : [{ field: "endpoint", value: endpoint, rule: RULES.endpoint }]);
  });

  test("an endpoint that is not a string is refused, never thrown on", () => {
    for (const endpoint of [5, ["https://dli.example.com"], null]) expect(checkEndpoint(endpoint)).toEqual([{ field: "endpoint", value: endpoint, rule: RULES.endpoint }]);
  });
});

test("a spec whose paths are not a list has one paths problem: its size is not measured", () => {
  const spec = { schemaVersion: "1", kind: "file", group: "g", paths: `${HOST}/a.jar`, region: "cn-north-4", waitTimeoutSeconds: 60, removalPolicy: "destroy" } as unknown as PackageGroupSpec;
  expect(checkSpec(spec)).toEqual([{ field: "paths", value: `${HOST}/a.jar`, rule: "at least one OBS object URL" }]);
});

test("a segment that only begins or ends with dots is an ordinary name, not a '.' or '..' segment", () => {
  for (const key of ["v1./a.jar", "v1../a.jar", "v1%2E/a.jar", "..v1/a.jar", "%2e%2Ev1/a.jar"]) expect(checkObsPath(`${HOST}/${key}`, 0)).toEqual([]);
});
