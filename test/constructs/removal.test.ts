/**
 * The removal API (issue 5): `PackageGroupRemoval` synthesizes Terraform `removed` blocks
 * (Terraform >= 1.9) for the two lifecycle resources of a construct deleted from the code.
 */
import { App, LocalBackend, TerraformStack, Testing } from "cdktf";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePackageGroup, JarPackageGroup, PackageGroupRemoval, RemovalPolicy, ResourceType } from "../../lib";
import { props, resources, synth } from "./support/helpers";

const TYPES = [ResourceType.NULL_RESOURCE, ResourceType.TERRAFORM_DATA];

describe.each(TYPES)("PackageGroupRemoval (%s)", (resourceType) => {
  test("same scope and id → the addresses the removed construct's resources had", () => {
    const before = synth((scope) => {
      new FilePackageGroup(scope, "gatk", props({ resourceType }));
    });
    let removal!: PackageGroupRemoval;
    const after = synth((scope) => {
      removal = new PackageGroupRemoval(scope, "gatk", { resourceType });
    });
    const addresses = resources(before).map(([a]) => a).sort();
    expect(after.removed.map((r: any) => r.from).sort()).toEqual(addresses);
    expect([removal.contentAddress, removal.identityAddress]).toEqual(addresses);
    expect(after.resource).toBeUndefined();
  });

  test("nested scopes keep their addresses too", () => {
    const { Construct } = require("constructs");
    const before = synth((scope) => {
      new JarPackageGroup(new Construct(scope, "team"), "jobs", props({ resourceType }));
    });
    const after = synth((scope) => {
      new PackageGroupRemoval(new Construct(scope, "team"), "jobs", { resourceType });
    });
    expect(after.removed.map((r: any) => r.from).sort()).toEqual(resources(before).map(([a]) => a).sort());
  });

  test("DESTROY: identity's removed block runs delete-group from state; content's only destroys", () => {
    const tf = synth((scope) => {
      new PackageGroupRemoval(scope, "gatk", { resourceType });
    });
    const attr = resourceType === ResourceType.TERRAFORM_DATA ? "triggers_replace" : "triggers";
    const [identity] = tf.removed.filter((r: any) => r.from.includes("_identity_"));
    const [content] = tf.removed.filter((r: any) => r.from.includes("_content_"));
    expect(identity).toEqual({
      from: expect.stringMatching(new RegExp(`^${resourceType}\\.gatk_identity_[0-9A-F]{8}$`)),
      lifecycle: { destroy: true },
      provisioner: [
        {
          "local-exec": {
            when: "destroy",
            command: `exec /bin/sh "\${path.module}/assets/DliPackagesRuntime/0.2.0/dli-packages.sh" delete-group`,
            environment: {
              DLI_PACKAGES_SPEC: `\${jsonencode(self.${attr})}`,
              DLI_PACKAGES_DECLARED_BY: content.from,
            },
          },
        },
      ],
    });
    expect(content).toEqual({ from: expect.stringMatching(/_content_/), lifecycle: { destroy: true } });
  });

  test("RETAIN: Terraform forgets the resources (destroy = false), no provisioner, the group stays", () => {
    const tf = synth((scope) => {
      new PackageGroupRemoval(scope, "gatk", { resourceType, removalPolicy: RemovalPolicy.RETAIN });
    });
    expect(tf.removed).toHaveLength(2);
    for (const block of tf.removed) expect(block).toEqual({ from: expect.any(String), lifecycle: { destroy: false } });
  });

  test("several removals and live groups in one stack: one removed list, one asset", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    new FilePackageGroup(stack, "kept", props({ group: "kept", resourceType }));
    new PackageGroupRemoval(stack, "a", { resourceType });
    new PackageGroupRemoval(stack, "b", { resourceType, removalPolicy: RemovalPolicy.RETAIN });
    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.removed).toHaveLength(4);
    expect(new Set(tf.removed.map((r: any) => r.from)).size).toBe(4);
    expect(resources(tf)).toHaveLength(2);
    expect(stack.node.findAll().filter((c) => c.constructor.name === "TerraformAsset")).toHaveLength(1);
  });
});

test("the default resource type is null_resource, like the constructs'", () => {
  const tf = synth((scope) => {
    new PackageGroupRemoval(scope, "gatk");
  });
  for (const block of tf.removed) expect(block.from).toMatch(/^null_resource\./);
});

test("bad props are reported like the constructs'", () => {
  expect(() =>
    Testing.synthScope((scope) => {
      new PackageGroupRemoval(scope, "gatk", { resourceType: "null" as any, removalPolicy: "never" as any });
    }),
  ).toThrow(
    `PackageGroupRemoval "stack/gatk" has 2 invalid props:\n` +
      `  - resourceType: "null" — one of ResourceType.NULL_RESOURCE ('null_resource') or ResourceType.TERRAFORM_DATA ('terraform_data')\n` +
      `  - removalPolicy: "never" — one of destroy, retain`,
  );
});

test("a removal cannot share scope and id with a live group (construct ids collide)", () => {
  expect(() =>
    Testing.synthScope((scope) => {
      new FilePackageGroup(scope, "gatk", props());
      new PackageGroupRemoval(scope, "gatk");
    }),
  ).toThrow(/There is already a Construct with name 'gatk'/);
});

// Real Terraform (offline: terraform_data needs no provider). The runtime is replaced by a stub
// that records what it was asked to do, so this checks Terraform's side of the contract: the
// removed block runs delete-group with the group read from state, once.
const terraformVersion = spawnSync("terraform", ["version", "-json"], { encoding: "utf8" });
const haveTerraform = terraformVersion.status === 0;
if (!haveTerraform) console.warn("removal under real terraform skipped: no terraform binary on PATH");
(haveTerraform ? describe : describe.skip)("removal under real terraform (terraform_data, stub runtime)", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "dli-removal-"));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const STUB = `require("fs").appendFileSync(process.env.DLI_STUB_LOG, JSON.stringify((({ group, kind, region }) => ({ command: process.argv[2], group, kind, region }))(JSON.parse(process.env.DLI_PACKAGES_SPEC))) + "\\n");`;

  const synthInto = (declare: (stack: TerraformStack) => void): string => {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "removal");
    new LocalBackend(stack, { path: "terraform.tfstate" });
    declare(stack);
    app.synth();
    const dir = join(outdir, "stacks", "removal");
    writeFileSync(join(dir, "assets", "DliPackagesRuntime", "0.2.0", "dli-packages.js"), STUB);
    return dir;
  };
  const terraform = (dir: string, ...args: string[]) => {
    const result = spawnSync("terraform", [...args, "-no-color", ...(["init", "apply"].includes(args[0]) ? ["-input=false"] : [])], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", DLI_STUB_LOG: join(outdir, "calls.log") },
    });
    if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  };
  const calls = () =>
    existsSync(join(outdir, "calls.log"))
      ? readFileSync(join(outdir, "calls.log"), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))
      : [];
  const group = (stack: TerraformStack, id: string, name: string) =>
    new FilePackageGroup(stack, id, props({ group: name, resourceType: ResourceType.TERRAFORM_DATA }));

  test("apply, remove the construct with PackageGroupRemoval, apply: delete-group runs once for that group", () => {
    let dir = synthInto((stack) => {
      group(stack, "gatk", "gatk");
      group(stack, "kept", "kept");
    });
    terraform(dir, "init");
    terraform(dir, "apply", "-auto-approve");
    expect(calls().map((c) => `${c.command} ${c.group}`).sort()).toEqual(["upload-group gatk", "upload-group kept"]);

    dir = synthInto((stack) => {
      new PackageGroupRemoval(stack, "gatk", { resourceType: ResourceType.TERRAFORM_DATA });
      group(stack, "kept", "kept");
    });
    expect(terraform(dir, "validate")).toContain("Success");
    const removing = terraform(dir, "apply", "-auto-approve");
    expect(removing).toContain("2 destroyed");
    expect(calls().slice(2)).toEqual([{ command: "delete-group", group: "gatk", kind: "file", region: "cn-north-4" }]);
    const state = terraform(dir, "state", "list");
    expect(state).not.toContain("gatk_");
    expect(state).toContain("kept_identity_");

    // Left in the code afterwards, the removal is a no-op.
    expect(terraform(dir, "apply", "-auto-approve")).toContain("0 added, 0 changed, 0 destroyed");
    expect(calls()).toHaveLength(3);
  });

  test("without the removal, deleting the construct runs no provisioner: the group is orphaned", () => {
    rmSync(join(outdir, "calls.log"), { force: true });
    let dir = synthInto((stack) => {
      group(stack, "kept", "kept");
      group(stack, "orphan", "orphan");
    });
    terraform(dir, "apply", "-auto-approve");
    expect(calls().map((c) => c.group)).toEqual(["orphan"]);
    dir = synthInto((stack) => {
      group(stack, "kept", "kept");
    });
    expect(terraform(dir, "apply", "-auto-approve")).toContain("2 destroyed");
    expect(calls().map((c) => c.command)).toEqual(["upload-group"]); // no delete-group
  });
});
