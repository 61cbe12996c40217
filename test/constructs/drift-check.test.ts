/**
 * `PackageGroupDriftCheck` (issue 25): the `check` block it synthesizes in Terraform's JSON
 * syntax, on both cores (this suite runs in the cdktf and the cdktn jest projects): one scoped
 * `data "external"` running `dli-packages check` with every group of the stack in its query and
 * their content resources in its `depends_on`, one `assert` per group plus one for the check's
 * own fault; the hashicorp/external provider; what is refused at synth. The last test feeds the
 * synthesized query, resolved as Terraform resolves it, to the bundled runtime against dli-local.
 */
import { App, LocalBackend, TerraformProvider, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePackageGroup, JarPackageGroup, PackageGroupDriftCheck, PackageGroupRemoval, RemovalPolicy, ResourceType } from "../../lib";
import { CHECK_COMMAND, CHECK_RESULT_KEYS, EXTERNAL_PROVIDER } from "../../lib/contract/drift-check";
import { terraformJsonEncode } from "../../lib/contract/terraform-json";
import { startTestEmulator, runCli, OBS } from "../runtime/support/run-cli";
import { props, resources, synthStack } from "./support/helpers";

const RESULT = "data.external.dli_packages.result";
const lookup = (key: string) => `lookup(${RESULT}, ${JSON.stringify(key)}, "")`;

/** Content resources of a synthesized config: [address, triggers attribute]. */
function contents(tf: any): [string, string][] {
  return resources(tf)
    .filter(([address]) => address.includes("_content_"))
    .map(([address]) => [address, address.startsWith("terraform_data.") ? "triggers_replace" : "triggers"]);
}

describe("the check block", () => {
  const { tf } = synthStack((stack) => {
    new PackageGroupDriftCheck(stack, "drift"); // before the groups: they are found at synth
    new FilePackageGroup(stack, "gatk", props());
    new JarPackageGroup(new Construct(stack, "team"), "jobs", props({ group: "jobs", resourceType: ResourceType.TERRAFORM_DATA, removalPolicy: RemovalPolicy.RETAIN }));
    new PackageGroupRemoval(stack, "old");
  });
  const block = tf.check?.dli_packages_drift;
  const data = block?.data?.external?.dli_packages;

  test("one check block with one scoped data \"external\" running the stack's runtime asset's `check`", () => {
    expect(Object.keys(tf.check)).toEqual(["dli_packages_drift"]);
    expect(Object.keys(block).sort()).toEqual(["assert", "data"]);
    expect(Object.keys(block.data)).toEqual(["external"]);
    expect(data.program).toEqual(["/bin/sh", expect.stringMatching(/^\$\{path\.module\}\/assets\/DliPackagesRuntime\/[^/]+\/dli-packages\.sh$/), CHECK_COMMAND]);
    // The same launcher the provisioners run.
    const upload = resources(tf).find(([a]) => a.startsWith("null_resource.gatk_content_"))![1].provisioner[0]["local-exec"].command;
    expect(upload).toContain(`"${data.program[1]}"`);
  });

  test("every group of the stack (nested, RETAIN and both resource types included) is in the query, as its upload provisioner reads it, and in depends_on", () => {
    const expected = contents(tf);
    expect(expected).toHaveLength(2); // gatk (null_resource) and team/jobs (terraform_data); the removal has none
    expect(data.query).toEqual(Object.fromEntries(expected.map(([address, attribute]) => [address, `\${jsonencode(${address}.${attribute})}`])));
    expect([...data.depends_on].sort()).toEqual(expected.map(([address]) => address).sort());
    for (const [address] of expected) {
      const env = resources(tf).find(([a]) => a === address)![1].provisioner[0]["local-exec"].environment;
      expect(env.DLI_PACKAGES_SPEC).toBe(data.query[address].replace(address, "self"));
    }
  });

  test("one assert for the check's own fault, then one per group: its result key must be empty, else the key's line is the warning", () => {
    expect(block.assert[0]).toEqual({ condition: `\${${lookup(CHECK_RESULT_KEYS.error)} == ""}`, error_message: `\${${lookup(CHECK_RESULT_KEYS.error)}}` });
    const perGroup = block.assert.slice(1);
    expect(perGroup).toEqual(data.depends_on.map((address: string) => ({ condition: `\${${lookup(address)} == ""}`, error_message: `\${${lookup(address)}}` })));
  });

  test("hashicorp/external is required and configured; null stays for the null_resource group", () => {
    expect(tf.terraform.required_providers.external).toEqual({ source: EXTERNAL_PROVIDER.source, version: EXTERNAL_PROVIDER.versionConstraint });
    expect(tf.terraform.required_providers.null).toEqual({ source: "null", version: "3.2.4" });
    expect(tf.provider.external).toEqual([{}]);
  });
});

test("a stack without the construct has no check block and no external provider", () => {
  const { tf } = synthStack((stack) => {
    new FilePackageGroup(stack, "gatk", props({ resourceType: ResourceType.TERRAFORM_DATA }));
  });
  expect(tf.check).toBeUndefined();
  expect(tf.terraform?.required_providers).toBeUndefined();
  expect(tf.provider).toBeUndefined();
});

test("a user's own external provider wins: ours synthesizes nothing", () => {
  const { tf } = synthStack((stack) => {
    new PackageGroupDriftCheck(stack, "drift");
    new FilePackageGroup(stack, "gatk", props({ resourceType: ResourceType.TERRAFORM_DATA }));
    new TerraformProvider(stack, "mine", { terraformResourceType: "external", terraformProviderSource: "hashicorp/external", terraformGeneratorMetadata: { providerName: "external", providerVersion: "2.3.4" } });
  });
  expect(tf.terraform.required_providers.external).toEqual({ source: "hashicorp/external", version: "2.3.4" });
  expect(tf.check.dli_packages_drift.data.external.dli_packages).toBeDefined();
});

describe("refused at synth", () => {
  test("a second PackageGroupDriftCheck in the same stack, naming both", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "dli");
    new PackageGroupDriftCheck(stack, "drift");
    expect(() => new PackageGroupDriftCheck(new Construct(stack, "team"), "again")).toThrow(
      'PackageGroupDriftCheck "dli/team/again": the stack already has one ("dli/drift"), which checks every package group of the stack. Keep one PackageGroupDriftCheck per stack.',
    );
  });

  test("one per stack of an App is fine, and each checks only its own stack's groups", () => {
    const app = Testing.app();
    const checked: Record<string, string[]> = {};
    for (const name of ["one", "two"]) {
      const stack = new TerraformStack(app, name);
      new FilePackageGroup(stack, "gatk", props({ group: `gatk-${name}`, resourceType: ResourceType.TERRAFORM_DATA }));
      new PackageGroupDriftCheck(stack, "drift");
      checked[name] = JSON.parse(Testing.synth(stack)).check.dli_packages_drift.data.external.dli_packages.depends_on;
    }
    expect(checked.one).toHaveLength(1);
    expect(checked.two).toHaveLength(1);
    expect(checked.one).toEqual(checked.two); // same construct path in each stack: same address, each in its own configuration
  });

  test("a stack without any package group: nothing to check", () => {
    const outdir = mkdtempSync(join(tmpdir(), "dli-drift-check-"));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "empty");
      new PackageGroupRemoval(stack, "old", { resourceType: ResourceType.TERRAFORM_DATA });
      new PackageGroupDriftCheck(stack, "drift");
      expect(() => app.synth()).toThrow(/PackageGroupDriftCheck "empty\/drift": the stack declares no package group, so there is nothing to check\. Declare a group in this stack, or remove the PackageGroupDriftCheck\./);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

test("the synthesized query, resolved as Terraform does, is what `dli-packages check` reads: its result keys are the asserts' keys", async () => {
  const outdir = mkdtempSync(join(tmpdir(), "dli-drift-check-"));
  const emulator = await startTestEmulator();
  try {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "dli");
    new LocalBackend(stack, { path: "terraform.tfstate" });
    new FilePackageGroup(stack, "in-sync", props({ group: "in-sync", paths: [OBS("a.jar")] }));
    new FilePackageGroup(stack, "drifted", props({ group: "drifted", paths: [OBS("b.jar")], resourceType: ResourceType.TERRAFORM_DATA }));
    new PackageGroupDriftCheck(stack, "drift");
    app.synth();
    const stackDir = join(outdir, "stacks", "dli");
    const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    const data = tf.check.dli_packages_drift.data.external.dli_packages;
    expect(existsSync(join(stackDir, data.program[1].replace("${path.module}/", "")))).toBe(true);

    // `${jsonencode(<address>.<attribute>)}` → the JSON of that resource's trigger map (what Terraform sends on stdin).
    const byAddress = Object.fromEntries(resources(tf));
    const query = Object.fromEntries(
      Object.entries<string>(data.query).map(([key, expression]) => {
        const [, address, attribute] = /^\$\{jsonencode\((.+)\.(triggers|triggers_replace)\)\}$/.exec(expression)!;
        return [key, terraformJsonEncode(byAddress[address][attribute])];
      }),
    );
    const inSync = Object.keys(query).find((k) => k.includes("in-sync") || k.includes("in_sync"))!;
    const drifted = Object.keys(query).find((k) => k !== inSync)!;
    expect((await runCli(["upload-group"], { ...emulator.env, DLI_PACKAGES_SPEC: query[inSync] })).code).toBe(0);

    const run = await runCli(["check"], { ...emulator.env }, JSON.stringify(query));
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    const assertedKeys = tf.check.dli_packages_drift.assert.map((a: any) => /lookup\(data\.external\.dli_packages\.result, "([^"]+)", ""\)/.exec(a.condition)![1]);
    expect(Object.keys(result).sort()).toEqual([...assertedKeys, CHECK_RESULT_KEYS.summary].sort());
    expect(result[inSync]).toBe("");
    expect(result[drifted]).toMatch(new RegExp(`^DLI package group drifted \\(file, cn-north-4\\) is not what the stack declares: group missing .*-replace='${drifted.replace(/\./g, "\\.")}'`));
  } finally {
    await emulator.close();
    rmSync(outdir, { recursive: true, force: true });
  }
});
