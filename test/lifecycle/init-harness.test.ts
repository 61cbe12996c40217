/**
 * The lifecycle harness runs `terraform init` again whenever a re-synthesized stack's required
 * providers (or backend, or modules) changed since its last init, as `cdktf deploy` does (issue
 * 25 §6): a stack first initialized without package groups, or with terraform_data ones only,
 * needs hashicorp/null once it declares a null_resource group, and hashicorp/external once it
 * gains a PackageGroupDriftCheck; without another init, Terraform stops with "Inconsistent
 * dependency lock file". Real stacks, a real `terraform init` of the first configuration.
 */
import { ResourceType, FilePackageGroup, PackageGroupDriftCheck } from "../../lib";
import { TerraformStack } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { obsPath, synthStack } from "./support/stacks";
import { initFingerprint, initIfNeeded, needsInit, probeTerraform } from "./support/terraform";

const terraformProbe = probeTerraform();
if (!terraformProbe.ok) console.warn(`init harness tests skipped: ${terraformProbe.reason}`);

(terraformProbe.ok ? describe : describe.skip)("when the harness runs terraform init", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "dli-init-harness-"));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const group = (stack: TerraformStack, resourceType: ResourceType) =>
    new FilePackageGroup(stack, "reports", { group: "reports", region: "cn-north-4", paths: [obsPath("jobs/a.csv")], resourceType });

  test("never initialized → init; same providers after a re-synth → no init; a provider added → init again", async () => {
    const dir = synthStack(outdir, "target", () => undefined); // a handover's target stack: no group yet
    expect(needsInit(dir)).toBe(true);
    const first = await initIfNeeded(dir, {});
    expect(first?.code).toBe(0);
    expect(needsInit(dir)).toBe(false);
    expect(await initIfNeeded(dir, {})).toBeUndefined();

    synthStack(outdir, "target", (stack) => group(stack, ResourceType.TERRAFORM_DATA)); // still no provider
    expect(needsInit(dir)).toBe(false);

    const before = initFingerprint(dir);
    synthStack(outdir, "target", (stack) => group(stack, ResourceType.NULL_RESOURCE)); // now hashicorp/null
    expect(initFingerprint(dir)).not.toBe(before);
    expect(initFingerprint(dir)).toContain('"null"');
    expect(needsInit(dir)).toBe(true);

    synthStack(outdir, "target", (stack) => {
      group(stack, ResourceType.TERRAFORM_DATA);
      new PackageGroupDriftCheck(stack, "drift"); // now hashicorp/external
    });
    expect(initFingerprint(dir)).toContain("hashicorp/external");
    expect(needsInit(dir)).toBe(true);
  });
});
