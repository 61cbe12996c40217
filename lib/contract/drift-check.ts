/**
 * The drift check in `terraform plan` (issue 25, docs/drift.md "Drift in terraform plan"): what
 * `PackageGroupDriftCheck` synthesizes and what `dli-packages check` answers, through the
 * hashicorp/external data source's program protocol (one JSON object of strings on stdin, the
 * `query`; one flat JSON object of strings on stdout, the `result`).
 *
 * - query: one entry per package group of the stack, keyed by the Terraform address of its
 *   content resource, whose value is `jsonencode(<content resource>.<triggers attribute>)`:
 *   the same JSON its `upload-group` provisioner gets in `DLI_PACKAGES_SPEC`.
 * - result: the same keys, each `""` (in sync, or not checked) or one line naming the group,
 *   what is missing, extra or not READY, and how to repair it; plus {@link CHECK_RESULT_KEYS}.
 *   The stack's `assert` blocks compare each key with `""`, so a warning is exactly a non-empty
 *   value.
 */

/** The `dli-packages` command the scoped `data "external"` runs. */
export const CHECK_COMMAND = "check";

/**
 * Result keys besides the per-group ones. None contains a `.`, so none can be a resource
 * address (`<type>.<name>`).
 */
export const CHECK_RESULT_KEYS = {
  /** `""`, or the one line saying why DLI could not be read (then every group key is `""`). */
  error: "error",
  /** How many groups were checked, in how many projects, with how many requests. */
  summary: "summary",
} as const;

/** Hashicorp/external, the provider of the scoped data source: the version the check was built and documented with. */
export const EXTERNAL_PROVIDER = { source: "hashicorp/external", versionConstraint: "~> 2.3" } as const;
