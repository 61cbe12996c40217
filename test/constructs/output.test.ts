/**
 * Properties of the synthesized output as a whole: deterministic across directories, free of
 * secrets, destroy provisioners that only use what Terraform allows, and a spec that survives
 * the trip constructs → triggers → provisioner env → runtime parser.
 */
import { App, LocalBackend, TerraformStack, Testing } from "cdktf";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { specFromEnvironment } from "../../lib/contract";
import {
  FilePackageGroup,
  JarPackageGroup,
  ModelFilePackageGroup,
  PackageGroup,
  PackageGroupRemoval,
  PyFilePackageGroup,
  RemovalPolicy,
  ResourceType,
} from "../../lib";
import { BasicStack } from "../../examples/basic/stack";
import { BUCKET, interpolations, props, resolveSelf, resources, synth } from "./support/helpers";

const TYPES = [ResourceType.NULL_RESOURCE, ResourceType.TERRAFORM_DATA];

/** Every file under dir, as [relative path, content]. */
function filesUnder(dir: string, prefix = ""): [string, Buffer][] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? filesUnder(full, `${prefix}${name}/`) : [[`${prefix}${name}`, readFileSync(full)] as [string, Buffer]];
    });
}

function synthApp(outdir: string, resourceType: ResourceType): void {
  const app = new App({ outdir });
  new BasicStack(app, "basic", { resourceType });
  const other = new TerraformStack(app, "other");
  // cdktf's default local backend is an absolute path under the current directory; a stack
  // that wants machine-independent JSON names a relative one (as examples/basic does).
  new LocalBackend(other, { path: "terraform.tfstate" });
  new PyFilePackageGroup(other, "py", props({ group: "py", resourceType, projectId: "0123456789abcdef0123456789abcdef" }));
  new ModelFilePackageGroup(other, "models", props({ group: "models", resourceType, removalPolicy: RemovalPolicy.RETAIN }));
  new PackageGroupRemoval(other, "old", { resourceType });
  app.synth();
}

describe.each(TYPES)("determinism (%s)", (resourceType) => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("the same app in two directories: byte-identical cdk.tf.json, neither path in it", () => {
    const a = mkdtempSync(join(tmpdir(), "dli-synth-a-"));
    const b = mkdtempSync(join(tmpdir(), "dli-synth-second-b-"));
    dirs.push(a, b);
    synthApp(a, resourceType);
    synthApp(b, resourceType);
    for (const stack of ["basic", "other"]) {
      const first = readFileSync(join(a, "stacks", stack, "cdk.tf.json"), "utf8");
      const second = readFileSync(join(b, "stacks", stack, "cdk.tf.json"), "utf8");
      expect(second).toBe(first);
      for (const text of [first, second]) {
        for (const dir of [a, b, process.cwd(), tmpdir()]) expect(text).not.toContain(dir);
      }
    }
    // The whole output tree (assets included) is the same too.
    const treeA = filesUnder(a).filter(([p]) => p !== "manifest.json");
    const treeB = filesUnder(b).filter(([p]) => p !== "manifest.json");
    expect(treeA.map(([p]) => p)).toEqual(treeB.map(([p]) => p));
    treeA.forEach(([, content], i) => expect(content.equals(treeB[i][1])).toBe(true));
    // The asset is the runtime folder: the bundle and its launcher, nothing else.
    expect(treeA.map(([p]) => p).filter((p) => p.startsWith("stacks/basic/assets/"))).toEqual([
      "stacks/basic/assets/DliPackagesRuntime/0.2.0/dli-packages.js",
      "stacks/basic/assets/DliPackagesRuntime/0.2.0/dli-packages.sh",
    ]);
  });
});

describe("no secret in the output", () => {
  const CANARIES = {
    HW_ACCESS_KEY: "CANARYACCESSKEY0000001",
    HW_SECRET_KEY: "canary-secret-key-6e1f0c",
    HW_SECURITY_TOKEN: "canary-security-token-77ab",
    HW_AUTH_TOKEN: "canary-auth-token-91cd",
    HUAWEICLOUD_SDK_AK: "CANARYSDKAK00000000002",
    HUAWEICLOUD_SDK_SK: "canary-sdk-sk-2f3e",
  };
  const saved: Record<string, string | undefined> = {};
  let outdir: string;
  beforeAll(() => {
    for (const [k, v] of Object.entries(CANARIES)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    outdir = mkdtempSync(join(tmpdir(), "dli-secret-"));
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(outdir, { recursive: true, force: true });
  });

  test.each(TYPES)("canary credentials in process.env appear in no output file (%s)", (resourceType) => {
    synthApp(join(outdir, resourceType), resourceType);
    const files = filesUnder(join(outdir, resourceType));
    expect(files.length).toBeGreaterThan(3);
    for (const [path, content] of files) {
      const text = content.toString("utf8");
      for (const [name, canary] of Object.entries(CANARIES)) {
        if (text.includes(canary)) throw new Error(`${name}'s value found in ${path}`);
      }
      // Provisioner environments name no credential variable either.
      if (path.endsWith("cdk.tf.json")) expect(text).not.toMatch(/HW_(ACCESS|SECRET|SECURITY|AUTH)|HUAWEICLOUD_SDK/);
    }
  });
});

describe.each(TYPES)("provisioner references (%s)", (resourceType) => {
  const provisioners = (bodies: any[]) =>
    bodies.flatMap((body) => (body.provisioner ?? []).map((p: any) => ({ body, exec: p["local-exec"] })));
  // Synthesized in a hook, not while jest collects the tests: a construct that throws fails
  // these tests (a mutation run counts the mutant killed) instead of the whole file failing to load.
  let tf: any;
  let all: { body: any; exec: any }[];
  beforeAll(() => {
    tf = synth((scope) => {
      new FilePackageGroup(scope, "a", props({ group: "a", resourceType }));
      new JarPackageGroup(scope, "b", props({ group: "b", resourceType, projectId: "0123456789abcdef0123456789abcdef" }));
      new PackageGroupRemoval(scope, "gone", { resourceType });
    });
    all = provisioners([...resources(tf).map(([, b]) => b), ...(tf.removed ?? [])]);
  });

  test("destroy-time provisioners reference nothing but self, path.*, count.index, each.key", () => {
    const destroyers = all.filter(({ exec }) => exec.when === "destroy");
    expect(destroyers).toHaveLength(3); // two identities + the removed block
    for (const { exec } of destroyers) {
      const refs = interpolations(exec);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        // A function of them is fine (jsonencode); any other reference fails `terraform validate`.
        expect(ref).toMatch(/^(jsonencode\(self\.[a-z_]+\)|self\.[a-z_]+(\.[a-z_]+)*|path\.(module|root|cwd)|count\.index|each\.key)$/);
      }
    }
  });

  test("create-time provisioners read the spec from self only, too", () => {
    const creators = all.filter(({ exec }) => exec.when === undefined);
    expect(creators).toHaveLength(2);
    for (const { exec } of creators) {
      for (const ref of interpolations(exec)) expect(ref).toMatch(/^(jsonencode\(self\.[a-z_]+\)|path\.module)$/);
    }
  });

  test("every provisioner gets its spec in one entry, jsonencode of its own triggers; delete-group also its owner's address", () => {
    for (const { body, exec } of all) {
      const { DLI_PACKAGES_DECLARED_BY, ...rest } = exec.environment;
      const attribute = resourceType === ResourceType.TERRAFORM_DATA ? "triggers_replace" : "triggers";
      expect(rest).toEqual({ DLI_PACKAGES_SPEC: `\${jsonencode(self.${attribute})}` });
      if (body.from === undefined) expect(() => resolveSelf(rest.DLI_PACKAGES_SPEC, body)).not.toThrow();
      if (exec.when !== "destroy") {
        expect(DLI_PACKAGES_DECLARED_BY).toBeUndefined();
        continue;
      }
      if (body.from === undefined) {
        // A package group's identity names its own content resource, which declares the group.
        const [identityAddress] = resources(tf).find(([, b]) => b === body)!;
        const content = resources(tf).find(([, b]) => (b.depends_on ?? []).includes(identityAddress));
        expect(content?.[0]).toMatch(/_content_/);
        expect(DLI_PACKAGES_DECLARED_BY).toBe(content![0]);
      } else {
        // A removal names the removed content resource, which no resource of the configuration has.
        expect(DLI_PACKAGES_DECLARED_BY).toBe(tf.removed.find((r: any) => r.from.includes("_content_")).from);
        expect(resources(tf).map(([a]) => a)).not.toContain(DLI_PACKAGES_DECLARED_BY);
      }
    }
  });
});

describe.each(TYPES)("spec round-trip (%s)", (resourceType) => {
  const cases: [string, (scope: any) => PackageGroup][] = [
    ["defaults", (s) => new FilePackageGroup(s, "g", props({ resourceType }))],
    [
      "every optional prop",
      (s) =>
        new JarPackageGroup(s, "g", {
          ...props({ resourceType }),
          group: "spark.jobs_v2-x",
          paths: ["https://dli-test.obs.eu-west-101.myhuaweicloud.eu/a/b/c/job.jar", "https://other-bucket.obs.eu-west-101.myhuaweicloud.eu/lib/udf!1.jar", "https://dli-test.obs.eu-west-101.myhuaweicloud.eu/x/my%21file.jar"],
          region: "eu-west-101",
          projectId: "0123456789abcdef0123456789abcdef",
          endpoint: "http://127.0.0.1:18080",
          waitTimeout: 90,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    ],
    ["pyFile", (s) => new PyFilePackageGroup(s, "g", props({ resourceType, paths: [`${BUCKET}/p/x.py`] }))],
    ["modelFile", (s) => new ModelFilePackageGroup(s, "g", props({ resourceType, paths: [`${BUCKET}/m/model.bin`] }))],
  ];

  test.each(cases)("%s: the env upload-group gets parses back to the construct's spec", (_name, make) => {
    let group!: PackageGroup;
    const tf = synth((scope) => {
      group = make(scope);
    });
    const content = resources(tf).find(([a]) => a.includes("_content_"))![1];
    const exec = content.provisioner[0]["local-exec"];
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries<string>(exec.environment)) env[name] = resolveSelf(value, content);
    const parsed = specFromEnvironment(env);
    expect(parsed).toEqual({ ok: true, spec: group.spec });
  });

  test("the identity provisioner gets exactly the identity fields", () => {
    let group!: PackageGroup;
    const tf = synth((scope) => {
      group = new FilePackageGroup(scope, "g", props({ resourceType, projectId: "0123456789abcdef0123456789abcdef" }));
    });
    const identity = resources(tf).find(([a]) => a.includes("_identity_"))![1];
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries<string>(identity.provisioner[0]["local-exec"].environment)) {
      env[name] = resolveSelf(value, identity);
    }
    const { identityFromEnvironment } = require("../../lib/contract");
    const parsed = identityFromEnvironment(env);
    expect(parsed.ok).toBe(true);
    const { schemaVersion, kind, group: name, region, projectId, endpoint } = group.spec;
    expect(parsed.identity).toEqual({ schemaVersion, kind, group: name, region, projectId, endpoint });
  });
});

test("Testing.synth of a stack is stable across two fresh apps", () => {
  const once = () => {
    const app = Testing.app();
    const stack = new BasicStack(app, "basic");
    return Testing.synth(stack);
  };
  expect(once()).toBe(once());
});
