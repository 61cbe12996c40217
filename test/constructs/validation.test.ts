/**
 * Construction-time validation: every problem at once, one error naming the construct path,
 * the field, the bad value and the rule; and what happens with tokens.
 */
import { Fn, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import { DataResource } from "cdktf";
import {
  Duration,
  FilePackageGroup,
  JarPackageGroup,
  PackageGroup,
  PackageGroupKindProps,
  RemovalPolicy,
  ResourceType,
} from "../../lib";
import { BUCKET, props, resources } from "./support/helpers";

const OBS = "https://dli-test.obs.cn-north-4.myhuaweicloud.com";

/** The message thrown by constructing a FilePackageGroup with these props (in stack "stack"). */
function errorOf(overrides: Partial<PackageGroupKindProps> | Record<string, unknown>): string {
  let message = "";
  Testing.synthScope((scope) => {
    try {
      new FilePackageGroup(scope, "gatk", { ...props(), ...(overrides as Partial<PackageGroupKindProps>) });
    } catch (error) {
      message = (error as Error).message;
    }
  });
  if (!message) throw new Error(`no error for ${JSON.stringify(overrides)}`);
  return message;
}

// [what, props, exact fragment of the error]
const BAD_PROPS: [string, Record<string, unknown>, string][] = [
  ["empty group", { group: "" }, `  - group: "" — 1–64 characters: letters, digits, '.', '_' or '-'`],
  ["group with a space", { group: "my group" }, `  - group: "my group" — 1–64 characters`],
  ["group with a slash", { group: "a/b" }, `  - group: "a/b" — 1–64 characters`],
  ["group of 65 characters", { group: "g".repeat(65) }, `  - group: "${"g".repeat(65)}" — 1–64 characters`],
  ["group not a string", { group: 42 }, `  - group: 42 — 1–64 characters`],
  ["group missing", { group: undefined }, `  - group: undefined — 1–64 characters`],
  ["no paths", { paths: [] }, `  - paths: [] — at least one OBS object URL`],
  ["paths missing", { paths: undefined }, `  - paths: undefined — at least one OBS object URL`],
  ["paths not a list", { paths: `${OBS}/a.jar` }, `  - paths: "${OBS}/a.jar" — at least one OBS object URL`],
  ["empty path", { paths: [""] }, `  - paths[0]: "" — an OBS object URL in virtual-hosted form`],
  [
    "obs:// URI",
    { paths: ["obs://dli-test/jobs/a.jar"] },
    `  - paths[0]: "obs://dli-test/jobs/a.jar" — obs:// URIs are not accepted by the DLI package API; write the object URL instead: https://dli-test.obs.{region}.myhuaweicloud.com/jobs/a.jar`,
  ],
  [
    "path-style URL",
    { paths: ["https://obs.cn-north-4.myhuaweicloud.com/dli-test/jobs/a.jar"] },
    `path-style OBS URLs are rejected by OBS; use the virtual-hosted form https://dli-test.obs.cn-north-4.myhuaweicloud.com/jobs/a.jar`,
  ],
  ["http scheme", { paths: [`http://dli-test.obs.cn-north-4.myhuaweicloud.com/a.jar`] }, `; the scheme must be https`],
  ["query string", { paths: [`${OBS}/a.jar?versionId=3`] }, `  - paths[0]: "${OBS}/a.jar?versionId=3" — an OBS object URL`],
  ["fragment", { paths: [`${OBS}/a.jar#x`] }, `; remove the fragment`],
  ["empty key", { paths: [`${OBS}/`] }, `; the object key is empty`],
  ["key ending in /", { paths: [`${OBS}/jobs/`] }, `; the key ends in '/', which is a folder, not an object`],
  ["empty key segment", { paths: [`${OBS}/jobs//a.jar`] }, `; the key has an empty segment ('//')`],
  ["not an OBS host", { paths: ["https://example.com/a.jar"] }, `  - paths[0]: "https://example.com/a.jar" — an OBS object URL in virtual-hosted form`],
  ["port in the URL", { paths: ["https://dli-test.obs.cn-north-4.myhuaweicloud.com:8443/a.jar"] }, `; no user info or port`],
  ["user info in the URL", { paths: ["https://me:pw@dli-test.obs.cn-north-4.myhuaweicloud.com/a.jar"] }, `; no user info or port`],
  ["package name starting with a dot", { paths: [`${OBS}/jobs/.hidden`] }, `must not start with '.' (got '.hidden')`],
  ["package name with a space", { paths: [`${OBS}/jobs/my%20job.jar`] }, `(got 'my job.jar')`],
  ["package name of 129 characters", { paths: [`${OBS}/${"n".repeat(129)}`] }, `the package name (last path segment) must be 1–128 characters`],
  ["path not a string", { paths: [7] }, `  - paths[0]: 7 — an OBS object URL`],
  ["duplicate path", { paths: [`${OBS}/a.jar`, `${OBS}/a.jar`] }, `  - paths[1]: "${OBS}/a.jar" — duplicate of paths[0]; list each object once`],
  [
    "two paths with the same package name",
    { paths: [`${OBS}/v1/a.jar`, `${OBS}/v2/a.jar`] },
    `  - paths[1]: "${OBS}/v2/a.jar" — package name 'a.jar' is already used by paths[0]; package names (last path segment) must be unique within a group`,
  ],
  ["empty region", { region: "" }, `  - region: "" — a Huawei Cloud region id such as cn-north-4 or ap-southeast-1`],
  ["region in upper case", { region: "CN-NORTH-4" }, `  - region: "CN-NORTH-4" — a Huawei Cloud region id`],
  ["region without number", { region: "cn-north" }, `  - region: "cn-north" — a Huawei Cloud region id`],
  ["project id too short", { projectId: "abc" }, `  - projectId: "abc" — 32 lower-case hexadecimal characters (IAM project id), or leave it out`],
  ["project id in upper case", { projectId: "0123456789ABCDEF0123456789ABCDEF" }, `  - projectId: "0123456789ABCDEF0123456789ABCDEF" — 32 lower-case`],
  ["endpoint over plain http", { endpoint: "http://dli.cn-north-4.myhuaweicloud.com" }, `  - endpoint: "http://dli.cn-north-4.myhuaweicloud.com" — an https:// URL without path, query or fragment (http:// is allowed only for a loopback emulator`],
  ["endpoint with a path", { endpoint: "https://dli.cn-north-4.myhuaweicloud.com/v2.0" }, `  - endpoint: "https://dli.cn-north-4.myhuaweicloud.com/v2.0" — an https:// URL`],
  ["endpoint not a URL", { endpoint: "dli.cn-north-4" }, `  - endpoint: "dli.cn-north-4" — an https:// URL`],
  ["wait timeout of 0", { waitTimeout: 0 }, `  - waitTimeout: 0 — a whole number of seconds from 1 to 43200`],
  ["negative wait timeout", { waitTimeout: -5 }, `  - waitTimeout: -5 — a whole number of seconds`],
  ["fractional wait timeout", { waitTimeout: 1.5 }, `  - waitTimeout: 1.5 — a whole number of seconds`],
  ["wait timeout over 12 hours", { waitTimeout: Duration.hours(13) }, `  - waitTimeout: "46800s" — a whole number of seconds from 1 to 43200`],
  ["wait timeout as a string", { waitTimeout: "30m" }, `  - waitTimeout: "30m" — a whole number of seconds`],
  ["unknown removal policy", { removalPolicy: "keep" }, `  - removalPolicy: "keep" — one of RemovalPolicy.DESTROY ('destroy') or RemovalPolicy.RETAIN ('retain')`],
  ["unknown resource type", { resourceType: "local_exec" }, `  - resourceType: "local_exec" — one of ResourceType.NULL_RESOURCE ('null_resource') or ResourceType.TERRAFORM_DATA ('terraform_data')`],
];

describe("bad props", () => {
  test("the table has at least 30 cases", () => {
    expect(BAD_PROPS.length).toBeGreaterThanOrEqual(30);
  });

  test.each(BAD_PROPS)("%s", (_what, overrides, fragment) => {
    const message = errorOf(overrides);
    expect(message).toContain(fragment);
    expect(message.startsWith(`FilePackageGroup "stack/gatk" has 1 invalid prop:\n`)).toBe(true);
  });

  test("every problem at once, in field order, with the construct path and what to do", () => {
    const message = errorOf({
      group: "bad name",
      paths: ["obs://b-1/k.jar", `${OBS}/ok.jar`, `${OBS}/ok.jar`],
      region: "north",
      waitTimeout: 0,
    });
    expect(message).toBe(
      [
        `FilePackageGroup "stack/gatk" has 5 invalid props:`,
        `  - group: "bad name" — 1–64 characters: letters, digits, '.', '_' or '-'`,
        `  - paths[0]: "obs://b-1/k.jar" — obs:// URIs are not accepted by the DLI package API; write the object URL instead: https://b-1.obs.{region}.myhuaweicloud.com/k.jar`,
        `  - paths[2]: "${OBS}/ok.jar" — duplicate of paths[0]; list each object once`.replace("paths[0]", "paths[1]"),
        `  - region: "north" — a Huawei Cloud region id such as cn-north-4 or ap-southeast-1`,
        `  - waitTimeout: 0 — a whole number of seconds from 1 to 43200`,
        `Fix the props listed above; nothing was synthesized for this construct.`,
      ].join("\n"),
    );
  });

  test("the error names the kind's class and the nested construct path", () => {
    let message = "";
    Testing.synthScope((scope) => {
      const { Construct } = require("constructs");
      const team = new Construct(scope, "team-a");
      try {
        new JarPackageGroup(team, "jobs", props({ group: "" }));
      } catch (error) {
        message = (error as Error).message;
      }
    });
    expect(message).toMatch(/^JarPackageGroup "stack\/team-a\/jobs" has 1 invalid prop:/);
  });

  test("the engine reports a bad kind", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new PackageGroup(scope, "g", { ...props(), kind: "zip" as any });
      }),
    ).toThrow(`PackageGroup "stack/g" has 1 invalid prop:\n  - kind: "zip" — one of file, jar, pyFile, modelFile`);
  });

  test("a long value is shortened in the message", () => {
    const message = errorOf({ group: "x".repeat(500) });
    expect(message).toContain(`"${"x".repeat(199)}…`);
    expect(message).not.toContain("x".repeat(300));
  });

  test("nothing is added to the tree by a failed construct", () => {
    const out = Testing.synthScope((scope) => {
      try {
        new FilePackageGroup(scope, "gatk", props({ group: "" }));
      } catch {
        // expected
      }
    });
    expect(resources(JSON.parse(out))).toEqual([]);
  });

  test("accepted edge values", () => {
    const out = Testing.synthScope((scope) => {
      new FilePackageGroup(scope, "a", props({ group: "g".repeat(64), waitTimeout: 43200 }));
      new FilePackageGroup(scope, "b", props({ group: "a.b_c-D9", waitTimeout: Duration.seconds(1) }));
      new FilePackageGroup(scope, "c", props({ group: "eu", region: "eu-west-101", paths: ["https://my-bucket.obs.eu-west-101.myhuaweicloud.eu/x/y!z.zip"] }));
      new FilePackageGroup(scope, "d", props({ group: "local", endpoint: "http://127.0.0.1:8080" }));
      new FilePackageGroup(scope, "e", props({ group: "n128", paths: [`${OBS}/${"n".repeat(128)}`] }));
    });
    expect(resources(JSON.parse(out))).toHaveLength(10);
  });
});

describe("tokens", () => {
  const TOKEN_RULE = "must be known at synth time, not a token (it decides the group's identity, its package names or its lifecycle, which Terraform has to know before apply); pass a plain value";

  test.each([
    ["group", (v: TerraformVariable) => ({ group: v.stringValue })],
    ["region", (v: TerraformVariable) => ({ region: v.stringValue })],
    ["paths", (v: TerraformVariable) => ({ paths: v.listValue })],
    ["paths[0]", (v: TerraformVariable) => ({ paths: [`${OBS}/${v.stringValue}`, `${OBS}/b.jar`] })],
    ["paths[1]", (v: TerraformVariable) => ({ paths: [`${OBS}/a.jar`, `${OBS}/${v.stringValue}`] })],
    ["waitTimeout", (v: TerraformVariable) => ({ waitTimeout: v.numberValue })],
    ["removalPolicy", (v: TerraformVariable) => ({ removalPolicy: v.stringValue as RemovalPolicy })],
  ])("a token in %s is rejected at synth time", (field, make) => {
    let message = "";
    Testing.synthScope((scope) => {
      const v = new TerraformVariable(scope, "v", {});
      try {
        new FilePackageGroup(scope, "gatk", { ...props(), ...make(v) });
      } catch (error) {
        message = (error as Error).message;
      }
    });
    expect(message.startsWith(`FilePackageGroup "stack/gatk" has 1 invalid prop:\n  - ${field}: `)).toBe(true);
    expect(message).toContain(`  - ${field}: `);
    expect(message).toContain(TOKEN_RULE);
  });

  test("a token in kind is rejected at synth time", () => {
    let message = "";
    Testing.synthScope((scope) => {
      const v = new TerraformVariable(scope, "v", {});
      try {
        new PackageGroup(scope, "g", { ...props(), kind: v.stringValue as any });
      } catch (error) {
        message = (error as Error).message;
      }
    });
    expect(message).toMatch(/^PackageGroup "stack\/g" has 1 invalid prop:\n {2}- kind: "\$\{TfToken\[TOKEN\.\d+\]\}" — must be known at synth time/);
  });

  test("projectId and endpoint may be tokens: passed through into both resources' triggers", () => {
    const out = Testing.synthScope((scope) => {
      const project = new TerraformVariable(scope, "project", {});
      const endpoint = new TerraformVariable(scope, "endpoint", {});
      new FilePackageGroup(scope, "gatk", {
        ...props(),
        projectId: project.stringValue,
        endpoint: Fn.lower(endpoint.stringValue),
        resourceType: ResourceType.TERRAFORM_DATA,
      });
    });
    expect(out).toHaveResourceWithProperties(DataResource, {
      triggers_replace: expect.objectContaining({ project_id: "${var.project}", endpoint: "${lower(var.endpoint)}" }),
    });
    const tf = JSON.parse(out);
    for (const [, body] of resources(tf)) {
      expect(body.triggers_replace.project_id).toBe("${var.project}");
    }
  });

  test("a bad literal projectId is still rejected next to a token endpoint", () => {
    let message = "";
    Testing.synthScope((scope) => {
      const endpoint = new TerraformVariable(scope, "endpoint", {});
      try {
        new FilePackageGroup(scope, "gatk", { ...props(), projectId: "nope", endpoint: endpoint.stringValue });
      } catch (error) {
        message = (error as Error).message;
      }
    });
    expect(message).toContain(`  - projectId: "nope" — 32 lower-case`);
    expect(message).not.toContain("endpoint");
  });

  test("docs/lifecycle.md documents the token rule", () => {
    const page = require("node:fs").readFileSync(require("node:path").join(__dirname, "..", "..", "docs", "lifecycle.md"), "utf8");
    expect(page).toContain("## Tokens");
    expect(page).toMatch(/projectId.*endpoint.*may be tokens/s);
  });
});

test("BUCKET helper is a valid OBS prefix", () => {
  expect(BUCKET).toBe(OBS);
});

describe("one owner per group: two constructs of one App naming the same group are refused (issue 11 §1)", () => {
  /** Build the constructs in a fresh App with two stacks; the error thrown, or "" when none. */
  function errorOfApp(build: (one: Construct, two: Construct) => void): string {
    const app = Testing.app();
    try {
      build(new TerraformStack(app, "one"), new TerraformStack(app, "two"));
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  }

  test("in one stack: one error naming both construct paths", () => {
    const message = errorOfApp((one) => {
      new FilePackageGroup(one, "first", props());
      new FilePackageGroup(one, "second", props({ paths: [`${OBS}/other.jar`] }));
    });
    expect(message).toMatch(/^DLI group "gatk" \(region cn-north-4\) is declared twice: by "one\/first" and by "one\/second"\. A group must have one owner/);
    expect(message.split("\n")).toHaveLength(1);
  });

  test("in two stacks of one App, whatever the kind", () => {
    const message = errorOfApp((one, two) => {
      new FilePackageGroup(one, "files", props());
      new JarPackageGroup(two, "jars", props({ paths: [`${OBS}/x.jar`] }));
    });
    expect(message).toContain(`by "one/files" and by "two/jars"`);
  });

  test("the default endpoint written out is the same group as the implicit one", () => {
    const message = errorOfApp((one, two) => {
      new FilePackageGroup(one, "implicit", props());
      new FilePackageGroup(two, "explicit", props({ endpoint: "https://dli.cn-north-4.myhuaweicloud.com/" }));
    });
    expect(message).toContain(`by "one/implicit" and by "two/explicit"`);
  });

  test.each([
    ["another group name", { group: "gatk-2" }],
    ["another region", { region: "ap-southeast-1", paths: ["https://dli-test.obs.ap-southeast-1.myhuaweicloud.com/a.jar"] }],
    ["another project", { projectId: "0123456789abcdef0123456789abcdef" }],
    ["another endpoint", { endpoint: "http://127.0.0.1:8080" }],
  ])("%s is another group: accepted", (_what, overrides) => {
    expect(errorOfApp((one, two) => {
      new FilePackageGroup(one, "a", props());
      new FilePackageGroup(two, "b", props(overrides as Partial<PackageGroupKindProps>));
    })).toBe("");
  });

  test("separate Apps do not share owners", () => {
    expect(errorOfApp((one) => new FilePackageGroup(one, "a", props()))).toBe("");
    expect(errorOfApp((one) => new FilePackageGroup(one, "a", props()))).toBe("");
  });
});

test("a group whose spec does not fit in one environment string is refused at synth with the limit and its size", () => {
  const paths = Array.from({ length: 1600 }, (_, i) => `${OBS}/jobs/some/deeper/folder/package-${String(i).padStart(5, "0")}.jar`);
  const message = errorOf({ paths });
  expect(message).toMatch(/^FilePackageGroup "stack\/gatk" has 1 invalid prop:\n  - paths: "1600 paths, \d{6} bytes as DLI_PACKAGES_SPEC" — the group's spec, its paths included, must fit in one environment string of at most 131072 bytes \(128 KiB, Linux MAX_ARG_STRLEN\)/);
});

test("the size is of the whole spec as Terraform passes it: exact for plain values, a token endpoint at its longest form (270)", () => {
  const { MAX_ENVIRONMENT_STRING_BYTES, specEnvironmentBytes, specToTriggers } = require("../../lib/contract") as typeof import("../../lib/contract");
  const { App, TerraformStack, TerraformVariable } = require("cdktf");
  const endpoint = "http://127.0.0.1:18080";
  // Paths that leave `slack` bytes free with the 22-character plain endpoint.
  const pathsLeaving = (slack: number) => {
    const plain = { schemaVersion: "1", kind: "file" as const, group: "gatk", region: "cn-north-4", endpoint, waitTimeoutSeconds: 1800, removalPolicy: "destroy" as const };
    const paths = Array.from({ length: 1000 }, (_, i) => `${OBS}/jobs/package-${String(i).padStart(5, "0")}.jar`);
    const short = MAX_ENVIRONMENT_STRING_BYTES - slack - specEnvironmentBytes(specToTriggers({ ...plain, paths }));
    const body = short - 5 - `${OBS}/`.length - ".jar".length;
    const folders = Math.floor((body - 5) / 100);
    paths.push(`${OBS}/${`${"d".repeat(99)}/`.repeat(folders)}${"n".repeat(body - 100 * folders)}.jar`);
    expect(specEnvironmentBytes(specToTriggers({ ...plain, paths }))).toBe(MAX_ENVIRONMENT_STRING_BYTES - slack);
    return paths;
  };
  /** The construct's error message, "" when it is accepted; `token`: the endpoint is a Terraform variable. */
  const messageOf = (paths: string[], endpointOf: (stack: any) => string) => {
    const stack = new TerraformStack(new App(), "stack");
    try {
      new FilePackageGroup(stack, "gatk", props({ paths, endpoint: endpointOf(stack) }));
      return "";
    } catch (error) {
      return (error as Error).message.slice(0, 300);
    }
  };
  const token = (stack: any) => new TerraformVariable(stack, "endpoint", { type: "string" }).stringValue;
  expect(messageOf(pathsLeaving(0), () => endpoint)).toBe("");
  expect(messageOf(pathsLeaving(0), () => `${endpoint}/`)).toMatch(/"1001 paths, 131073 bytes as DLI_PACKAGES_SPEC"/);
  expect(messageOf(pathsLeaving(270 - endpoint.length), token)).toBe("");
  expect(messageOf(pathsLeaving(270 - endpoint.length - 1), token)).toMatch(/"1001 paths, 131073 bytes as DLI_PACKAGES_SPEC"/);
});

test("the size problem is listed with the paths, in field order, whatever else is wrong", () => {
  const paths = Array.from({ length: 1600 }, (_, i) => `${OBS}/jobs/some/deeper/folder/package-${String(i).padStart(5, "0")}.jar`);
  const message = errorOf({ group: "bad group", paths: [...paths, "obs://x/y.jar"], region: "CN-NORTH-4", waitTimeout: 0 });
  const fields = message.split("\n").filter((line) => line.startsWith("  - ")).map((line) => line.replace(/^  - ([a-zA-Z[\]0-9]+): .*$/, "$1"));
  expect(fields).toEqual(["group", "paths[1600]", "paths", "region", "waitTimeout"]);
  expect(message).toMatch(/  - paths: "1601 paths, \d{6} bytes as DLI_PACKAGES_SPEC"/);
});

test("paths that are no list are the one paths problem, however large", () => {
  const notAList = errorOf({ paths: "x".repeat(200_000) });
  expect(notAList.split("\n").filter((line) => line.startsWith("  - "))).toEqual([expect.stringMatching(/^  - paths: "xxx.* — at least one OBS object URL, or local files in files \(with staging\)$/)]);
});

test("hostile paths are refused at synth by the same rules as at apply time", () => {
  const message = errorOf({
    paths: [`${OBS}/j/../../etc/a.jar`, `${OBS}/a%2Fb/b.jar`, `${OBS}/fold\r\ner/c.jar`, "https://dli-test.obs.ap-southeast-1.myhuaweicloud.com/d.jar", "https://dli-test.obs.cn-north-4.myhuaweicloud.eu/e.jar"],
  });
  expect(message).toContain(`  - paths[0]: "${OBS}/j/../../etc/a.jar" — `);
  expect(message).toMatch(/paths\[0\].*no '\.' or '\.\.' segments/);
  expect(message).toMatch(/paths\[1\].*no percent-encoded '\/'/);
  expect(message).toMatch(/paths\[2\]: ".*fold\\r\\ner\/c\.jar" — .*no control characters/);
  expect(message).toMatch(/paths\[3\].*must be in the group's region cn-north-4/);
  expect(message).toMatch(/paths\[4\].*must be in the group's region cn-north-4/);
  expect(message.split("\n")).toHaveLength(7);
});

test("at most ten problems are listed, then how many more; values are cut", () => {
  const message = errorOf({ paths: Array.from({ length: 25 }, (_, i) => `obs://b/${"k".repeat(300)}${i}.jar`) });
  const lines = message.split("\n");
  expect(lines.filter((l) => l.startsWith("  - paths["))).toHaveLength(10);
  expect(message).toContain("  - … and 15 more");
  expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(2048);
});

test("a token among too many paths is the one problem: the size of a list holding a token is not known at synth", () => {
  const paths = Array.from({ length: 1600 }, (_, i) => `${OBS}/jobs/some/deeper/folder/package-${String(i).padStart(5, "0")}.jar`);
  let message = "";
  Testing.synthScope((scope) => {
    const v = new TerraformVariable(scope, "v", {});
    try {
      new FilePackageGroup(scope, "gatk", { ...props(), paths: [...paths, `${OBS}/${v.stringValue}`] });
    } catch (error) {
      message = (error as Error).message;
    }
  });
  expect(message).toMatch(/^FilePackageGroup "stack\/gatk" has 1 invalid prop:\n {2}- paths\[1600\]: .* must be known at synth time, not a token/);
});
