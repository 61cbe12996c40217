/**
 * What a destroy-time `delete-group` needs to know about the configuration being applied, so
 * that it never deletes a group another resource of that configuration now declares (a group
 * handed from one construct to another in one apply: docs/design-notes.md, "Handing a group
 * over"). Written by the constructs, read by the runtime.
 *
 * - The identity resource's `delete-group` provisioner gets one more environment entry: the
 *   address of the content resource that declares the group on the construct's behalf (its own,
 *   which does not count as "another" declaration). The stack directory, where `cdk.tf.json`
 *   is, is where the provisioner's runtime is: `<stack>/assets/DliPackagesRuntime/<version>/`.
 * - Package groups of the *other* stacks of the same App are listed in the stack's
 *   `cdk.tf.json` under `"//"` (Terraform ignores `//` keys), so a stack copied to another
 *   runner carries what it needs. Groups of the stack itself are read from its resources.
 */

/** Environment entry of the destroy-time `delete-group` provisioner (besides the identity). */
export const DECLARATION_ENV = {
  /** Terraform address of the content resource of the same construct, e.g. `terraform_data.gatk_content_1A2B3C4D`. */
  declaredBy: "DLI_PACKAGES_DECLARED_BY",
} as const;

/**
 * Construct id of the runtime asset on each stack: cdktf copies it to
 * `<stack>/assets/DliPackagesRuntime/<version>/`, so the runtime knows its stack directory.
 */
export const RUNTIME_ASSET_ID = "DliPackagesRuntime";

/** The synthesized configuration file in the stack directory. */
export const CONFIGURATION_FILE = "cdk.tf.json";

/** Key under the top-level `"//"` object of `cdk.tf.json` holding {@link OtherStackGroup}s. */
export const OTHER_STACKS_KEY = "dli-packages-groups-of-other-stacks";

/** A value only known at apply time (a token): compared as "may be the same". */
export const UNKNOWN_VALUE = "(known at apply time)";

/** One package group declared by another stack of the same App. */
export interface OtherStackGroup {
  /** Stack name (its directory under `cdktf.out/stacks/`). */
  readonly stack: string;
  /** Terraform address of the group's content resource in that stack. */
  readonly address: string;
  readonly group: string;
  readonly region: string;
  /** Absent: resolved at apply time from the environment; {@link UNKNOWN_VALUE}: a token. */
  readonly projectId?: string;
  /** Absent: the region's default (or `HW_DLI_ENDPOINT`); {@link UNKNOWN_VALUE}: a token. */
  readonly endpoint?: string;
}
