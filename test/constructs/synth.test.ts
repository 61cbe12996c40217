/**
 * What a package group synthesizes: snapshots per kind × resource type, and matcher-based
 * assertions on the shape design §3 promises.
 */
import { DataResource, TerraformStack, Testing } from "cdktf";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { Resource as NullResource } from "@cdktf/provider-null/lib/resource";
import {
  Duration,
  FilePackageGroup,
  JarPackageGroup,
  ModelFilePackageGroup,
  PackageGroup,
  PackageGroupKindProps,
  PyFilePackageGroup,
  RemovalPolicy,
  ResourceType,
} from "../../lib";
import { BUCKET, props, resources, synth, synthStack } from "./support/helpers";

type Kind = new (scope: any, id: string, props: PackageGroupKindProps) => PackageGroup;
const KINDS: [string, Kind, string][] = [
  ["file", FilePackageGroup, "FilePackageGroup"],
  ["jar", JarPackageGroup, "JarPackageGroup"],
  ["pyFile", PyFilePackageGroup, "PyFilePackageGroup"],
  ["modelFile", ModelFilePackageGroup, "ModelFilePackageGroup"],
];
const TYPES = [ResourceType.NULL_RESOURCE, ResourceType.TERRAFORM_DATA];
const TYPE_CLASS = { [ResourceType.NULL_RESOURCE]: NullResource, [ResourceType.TERRAFORM_DATA]: DataResource };
const TRIGGERS = { [ResourceType.NULL_RESOURCE]: "triggers", [ResourceType.TERRAFORM_DATA]: "triggers_replace" };

describe.each(KINDS)("%s group", (kind, Kind) => {
  test.each(TYPES)("synthesizes the same JSON as before (%s)", (resourceType) => {
    const out = Testing.synthScope((scope) => {
      new Kind(scope, "gatk", props({ resourceType }));
    });
    expect(out).toMatchSnapshot();
  });

  test.each(TYPES)("the kind is in both resources' triggers (%s)", (resourceType) => {
    const out = Testing.synthScope((scope) => {
      new Kind(scope, "gatk", props({ resourceType }));
    });
    const triggers = TRIGGERS[resourceType];
    expect(out).toHaveResourceWithProperties(TYPE_CLASS[resourceType], { [triggers]: expect.objectContaining({ kind, group: "gatk" }) });
    const tf = JSON.parse(out);
    for (const [, body] of resources(tf)) expect(body[triggers].kind).toBe(kind);
  });
});

describe.each(TYPES)("lifecycle resources (%s)", (resourceType) => {
  const Type = TYPE_CLASS[resourceType];
  const triggers = TRIGGERS[resourceType];
  const build = (overrides: Partial<PackageGroupKindProps> = {}) =>
    synth((scope) => {
      new FilePackageGroup(scope, "gatk", props({ resourceType, ...overrides }));
    });
  const byId = (tf: any, part: "identity" | "content") => {
    const found = resources(tf).filter(([address]) => address.startsWith(`${resourceType}.gatk_${part}_`));
    expect(found).toHaveLength(1);
    return { address: found[0][0], body: found[0][1] };
  };

  test("exactly two resources of the chosen type", () => {
    const tf = build();
    expect(resources(tf).map(([a]) => a.split(".")[0])).toEqual([resourceType, resourceType]);
    expect(JSON.stringify(tf)).toHaveResource(Type);
  });

  test("identity: identity fields only, destroy-time delete-group", () => {
    const tf = build();
    const { body } = byId(tf, "identity");
    expect(Object.keys(body[triggers]).sort()).toEqual(["endpoint", "group", "kind", "project_id", "region", "spec_version"]);
    expect(body.provisioner).toEqual([
      {
        "local-exec": {
          when: "destroy",
          command: `exec /bin/sh "\${path.module}/assets/DliPackagesRuntime/0.2.0/dli-packages.sh" delete-group`,
          environment: { DLI_PACKAGES_SPEC: `\${jsonencode(self.${triggers})}`, DLI_PACKAGES_DECLARED_BY: expect.stringMatching(/_content_/) },
        },
      },
    ]);
    expect(body.depends_on).toBeUndefined();
  });

  test("content: the full spec, create-time upload-group, depends on identity", () => {
    const tf = build({ waitTimeout: Duration.minutes(45) });
    const identity = byId(tf, "identity");
    const { body } = byId(tf, "content");
    expect(body[triggers]).toEqual({
      spec_version: "1",
      kind: "file",
      group: "gatk",
      paths: JSON.stringify([`${BUCKET}/jobs/test_dli.jar`, `${BUCKET}/jobs/dli_tf.py`]),
      region: "cn-north-4",
      project_id: "",
      endpoint: "",
      wait_timeout_seconds: "2700",
      removal_policy: "destroy",
    });
    expect(body.provisioner).toHaveLength(1);
    const exec = body.provisioner[0]["local-exec"];
    expect(exec.when).toBeUndefined();
    expect(exec.command).toBe(`exec /bin/sh "\${path.module}/assets/DliPackagesRuntime/0.2.0/dli-packages.sh" upload-group`);
    expect(body.depends_on).toEqual([identity.address]);
  });

  test("`when = destroy` appears only on the identity resource", () => {
    const tf = build();
    const destroyers = resources(tf).filter(([, body]) =>
      (body.provisioner ?? []).some((p: any) => p["local-exec"]?.when === "destroy"),
    );
    expect(destroyers.map(([a]) => a)).toEqual([byId(tf, "identity").address]);
  });

  test("RETAIN: no destroy provisioner anywhere, content still uploads", () => {
    const tf = build({ removalPolicy: RemovalPolicy.RETAIN });
    expect(byId(tf, "identity").body.provisioner).toBeUndefined();
    const content = byId(tf, "content").body;
    expect(content[triggers].removal_policy).toBe("retain");
    expect(content.provisioner[0]["local-exec"].command).toMatch(/ upload-group$/);
    expect(JSON.stringify(tf)).not.toContain('"destroy"');
  });

  test("never create_before_destroy (it would skip the destroy provisioner)", () => {
    const tf = build();
    expect(JSON.stringify(tf)).not.toContain("create_before_destroy");
  });

  test("projectId and endpoint go into both resources' triggers", () => {
    const tf = build({ projectId: "0123456789abcdef0123456789abcdef", endpoint: "https://dli.cn-north-4.myhuaweicloud.com" });
    for (const part of ["identity", "content"] as const) {
      expect(byId(tf, part).body[triggers]).toMatchObject({
        project_id: "0123456789abcdef0123456789abcdef",
        endpoint: "https://dli.cn-north-4.myhuaweicloud.com",
      });
    }
  });
});

describe("the null provider", () => {
  test("added once for two null_resource groups", () => {
    const { json, tf } = synthStack((stack) => {
      new FilePackageGroup(stack, "a", props({ group: "a" }));
      new JarPackageGroup(stack, "b", props({ group: "b" }));
    });
    expect(json).toHaveProvider(NullProvider);
    expect(tf.provider.null).toHaveLength(1);
    expect(tf.terraform.required_providers.null).toEqual({ source: "null", version: expect.any(String) });
  });

  test("not added for terraform_data groups", () => {
    const { json, tf } = synthStack((stack) => {
      new FilePackageGroup(stack, "a", props({ resourceType: ResourceType.TERRAFORM_DATA }));
    });
    expect(json).not.toHaveProvider(NullProvider);
    expect(tf.provider).toBeUndefined();
    expect(tf.terraform?.required_providers).toBeUndefined();
  });

  test.each([
    ["before", true],
    ["after", false],
  ])("not added when the user declares one (%s the groups)", (_when, first) => {
    const { tf } = synthStack((stack) => {
      if (first) new NullProvider(stack, "mine", {});
      new FilePackageGroup(stack, "a", props({ group: "a" }));
      new FilePackageGroup(stack, "b", props({ group: "b" }));
      if (!first) new NullProvider(stack, "mine", {});
    });
    expect(tf.provider.null).toHaveLength(1);
  });

  test("still added when the user only has an aliased null provider", () => {
    const { tf } = synthStack((stack) => {
      new NullProvider(stack, "aliased", { alias: "other" });
      new FilePackageGroup(stack, "a", props());
    });
    expect(tf.provider.null).toHaveLength(2);
    expect(tf.provider.null.filter((p: any) => p.alias === undefined)).toHaveLength(1);
  });

  test("one per stack in an app with two stacks", () => {
    const app = Testing.app();
    const one = new TerraformStack(app, "one");
    const two = new TerraformStack(app, "two");
    new FilePackageGroup(one, "a", props());
    new FilePackageGroup(two, "a", props({ group: "other" }));
    for (const stack of [one, two]) expect(JSON.parse(Testing.synth(stack)).provider.null).toHaveLength(1);
  });
});

describe("the runtime asset", () => {
  test("one asset per stack, whatever the number of groups; path names the package version", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    new FilePackageGroup(stack, "a", props({ group: "a" }));
    new JarPackageGroup(stack, "b", props({ group: "b" }));
    const assets = stack.node.findAll().filter((c) => c.constructor.name === "TerraformAsset");
    expect(assets).toHaveLength(1);
    const version = require("../../package.json").version;
    const commands = resources(JSON.parse(Testing.synth(stack))).flatMap(([, body]) =>
      (body.provisioner ?? []).map((p: any) => p["local-exec"].command),
    );
    expect(commands).toHaveLength(4);
    for (const command of commands) {
      expect(command).toMatch(new RegExp(`^exec /bin/sh "\\$\\{path\\.module\\}/assets/DliPackagesRuntime/${version.replace(/\./g, "\\.")}/dli-packages\\.sh" (upload|delete)-group$`));
      // Terraform prints it on every "Executing:" line: short enough to read (issue 17)
      expect(command.length).toBeLessThan(120);
    }
  });
});

describe("read-only attributes", () => {
  test("groupName, kind, packageNames, packageRef, spec", () => {
    synth((scope) => {
      const group = new PyFilePackageGroup(scope, "py", props({ group: "py-libs" }));
      expect(group.groupName).toBe("py-libs");
      expect(group.kind).toBe("pyFile");
      expect(group.packageNames).toEqual(["test_dli.jar", "dli_tf.py"]);
      expect(group.packageRef("dli_tf.py")).toBe("py-libs/dli_tf.py");
      expect(group.spec).toMatchObject({ group: "py-libs", kind: "pyFile", region: "cn-north-4", waitTimeoutSeconds: 1800 });
      expect(group.removalPolicy).toBe(RemovalPolicy.DESTROY);
      expect(group.resourceType).toBe(ResourceType.NULL_RESOURCE);
    });
  });

  test("packageRef throws for a name that is not in the group", () => {
    synth((scope) => {
      const group = new FilePackageGroup(scope, "gatk", props());
      expect(() => group.packageRef("other.jar")).toThrow(
        `packageRef("other.jar") on "stack/gatk": group 'gatk' has no package of that name; its packages are 'test_dli.jar', 'dli_tf.py' (the last segment of each path)`,
      );
      // A path is not a name.
      expect(() => group.packageRef(`${BUCKET}/jobs/test_dli.jar`)).toThrow("has no package of that name");
    });
  });

  test("packageRef's error on a large group is one bounded line: 20 names, then how many more", () => {
    synth((scope) => {
      const paths = Array.from({ length: 500 }, (_, i) => `${BUCKET}/jobs/${"p".repeat(40)}-${i}.jar`);
      const group = new JarPackageGroup(scope, "big", props({ group: "big", paths }));
      let message = "";
      try {
        group.packageRef("other.jar");
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`its packages are '${"p".repeat(40)}-0.jar', `);
      expect(message).toContain(`'${"p".repeat(40)}-19.jar', … and 480 more (the last segment of each path)`);
      expect(message).not.toContain("-20.jar");
      expect(message.split("\n")).toHaveLength(1);
      expect(message.length).toBeLessThan(2048);
    });
  });

  test("package names are URL-decoded last segments", () => {
    synth((scope) => {
      const group = new FilePackageGroup(scope, "g", props({ paths: [`${BUCKET}/a/my%21file.txt`] }));
      expect(group.packageNames).toEqual(["my!file.txt"]);
    });
  });

  test("the engine takes the kind as a prop", () => {
    const tf = synth((scope) => {
      new PackageGroup(scope, "engine", { ...props(), kind: "modelFile", resourceType: ResourceType.TERRAFORM_DATA });
    });
    for (const [, body] of resources(tf)) expect(body.triggers_replace.kind).toBe("modelFile");
  });
});
