/**
 * `PackageGroupDriftCheck`: drift shown by `terraform plan` itself (issue 25, docs/drift.md
 * "Drift in terraform plan"). Synthesizes, once per stack, a Terraform `check` block (Terraform
 * 1.5) holding:
 * - one scoped `data "external"` (hashicorp/external) that runs `dli-packages check` from the
 *   stack's runtime asset with every package group of the stack in its query, and depends on
 *   their content resources, so a group created or changed by this plan is "known after apply"
 *   and only checked once that apply has run it;
 * - one `assert` per group (its result key must be `""`, else the warning is the result's line),
 *   plus one for the result's `error` key: a fault of the check is one warning, never an error.
 *
 * Neither cdktf 0.21 nor cdktn 0.24 has a construct for `check` blocks, so the block is a plain
 * element that writes Terraform's JSON syntax for it (like the `removed` blocks of removal.ts).
 */
import { Construct } from "constructs";
import { TerraformElement, TerraformStack } from "./framework";
import { CHECK_COMMAND, CHECK_RESULT_KEYS } from "../contract/drift-check";
import { RUNTIME_LAUNCHER_FILE } from "../contract/spec";
import { driftCheckTwiceError, driftCheckWithoutGroupsError } from "./errors";
import { ensureExternalProvider } from "./external-provider";
import { addressOf, triggersAttribute } from "./lifecycle-resources";
import { PackageGroup } from "./package-group";
import { runtimeAsset } from "./runtime-asset";
import { requireTerraformVersion } from "./terraform-version";

/** Name of the synthesized `check` block. */
export const DRIFT_CHECK_BLOCK = "dli_packages_drift";
/** Name of its scoped `data "external"`. */
export const DRIFT_CHECK_DATA = "dli_packages";

const DRIFT_CHECKS = new WeakMap<TerraformStack, string>();

/** The `check` block: the package groups are looked up when the stack is synthesized, so the construct may come before or after them. */
class DriftCheckBlock extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly groups: () => PackageGroup[],
  ) {
    super(scope, id);
  }

  public override toTerraform(): any {
    const stack = TerraformStack.of(this);
    const result = `data.external.${DRIFT_CHECK_DATA}.result`;
    const entry = (key: string) => `lookup(${result}, ${JSON.stringify(key)}, "")`;
    const query: Record<string, string> = {};
    const dependsOn: string[] = [];
    const asserts = [
      {
        condition: `\${${entry(CHECK_RESULT_KEYS.error)} == ""}`,
        error_message: `\${${entry(CHECK_RESULT_KEYS.error)}}`,
      },
    ];
    for (const group of this.groups()) {
      const address = addressOf(group.contentResource);
      // The trigger map its upload provisioner gets (DLI_PACKAGES_SPEC), read from the plan.
      query[address] = `\${jsonencode(${address}.${triggersAttribute(group.resourceType)})}`;
      dependsOn.push(address);
      asserts.push({ condition: `\${${entry(address)} == ""}`, error_message: `\${${entry(address)}}` });
    }
    const program = ["/bin/sh", `\${path.module}/${runtimeAsset(stack).path}/${RUNTIME_LAUNCHER_FILE}`, CHECK_COMMAND];
    return {
      check: {
        [DRIFT_CHECK_BLOCK]: {
          data: { external: { [DRIFT_CHECK_DATA]: { program, query, depends_on: dependsOn } } },
          assert: asserts,
        },
      },
    };
  }
}

/**
 * Shows drift of the stack's package groups in `terraform plan` (and apply): a group whose
 * packages were deleted, added or broken outside Terraform gets a warning naming the group, what
 * differs and the command that repairs it. One per stack; it checks every package group of the
 * stack (PackageGroupRemovals and other stacks' groups are not checked). Needs Terraform 1.5+,
 * the hashicorp/external provider (added to the stack), and, where Terraform runs, `node` and
 * read access to DLI. A fault (no credentials, no network, throttling) is one warning; the plan
 * never fails on it, and the check never writes to DLI.
 *
 * ```ts fixture=drift-check
 * new FilePackageGroup(stack, "gatk", {
 *   group: "gatk",
 *   region: "cn-north-4",
 *   paths: ["https://my-bucket.obs.cn-north-4.myhuaweicloud.com/jobs/test_dli.jar"],
 * });
 * new PackageGroupDriftCheck(stack, "drift"); // a warning in `terraform plan` when DLI differs
 * ```
 */
export class PackageGroupDriftCheck extends Construct {
  /** Name of the synthesized `check` block (`check.<name>` in the plan's JSON). */
  public readonly checkName: string = DRIFT_CHECK_BLOCK;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    const first = DRIFT_CHECKS.get(stack);
    if (first !== undefined) throw driftCheckTwiceError(first, this.node.path);
    DRIFT_CHECKS.set(stack, this.node.path);
    requireTerraformVersion(this, "1.5", "`check` blocks (PackageGroupDriftCheck) need Terraform 1.5");
    ensureExternalProvider(stack);
    const groups = () => stack.node.findAll().filter((c): c is PackageGroup => c instanceof PackageGroup && TerraformStack.of(c) === stack);
    new DriftCheckBlock(this, "check", groups);
    this.node.addValidation({ validate: () => (groups().length === 0 ? [driftCheckWithoutGroupsError(this.node.path)] : []) });
  }
}
