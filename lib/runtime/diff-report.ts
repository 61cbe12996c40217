/**
 * `dli-packages diff --json`: one document on stdout for CI tools. Its JSON Schema is
 * `schemas/diff-report.schema.json` (shipped in the package, documented in docs/drift.md); the
 * test suite validates every mode's output against it. Keys are always present (null when a
 * mode was not asked for), so readers need no existence checks. Bump the version on any change
 * a reader could notice.
 */
import { GroupState } from "./drift";

export const DIFF_REPORT_SCHEMA_VERSION = 1;

export interface DiffReport {
  readonly schemaVersion: typeof DIFF_REPORT_SCHEMA_VERSION;
  readonly groups: readonly GroupReport[];
  /** Live groups no scanned stack declares; null unless `--orphans`. */
  readonly orphans: readonly OrphanReport[] | null;
  readonly totals: DiffTotals;
}

export interface GroupReport {
  /** The cdk.tf.json declaring the group, relative to the working directory. */
  readonly stackFile: string;
  /** Terraform address of the group's content resource. */
  readonly resource: string;
  readonly group: string;
  readonly kind: string;
  readonly region: string;
  /** The project compared against (the spec's, HW_PROJECT_ID or IAM). */
  readonly projectId: string;
  /** What was live when diff looked, before any repair. */
  readonly state: GroupState;
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly notReady: readonly string[];
  /** null unless `--repair` and the group was not in sync. */
  readonly repair: RepairReport | null;
}

export interface RepairReport {
  /** `repaired`: upload-group's path ran and verified the group exact and READY. */
  readonly result: "repaired" | "failed";
  /** Undeclared packages the repair deleted. */
  readonly deleted: readonly string[];
  /** The one-line error when the repair failed, else null. */
  readonly error: string | null;
}

export interface OrphanReport {
  readonly group: string;
  readonly region: string;
  readonly projectId: string;
  readonly packages: readonly { readonly name: string; readonly kind: string | null; readonly status: string }[];
  /** The by-name delete a person would run. */
  readonly deleteCommand: string;
}

export interface DiffTotals {
  readonly groups: number;
  readonly inSync: number;
  readonly drift: number;
  readonly missing: number;
  /** null unless `--repair`. */
  readonly repaired: number | null;
  readonly repairFailed: number | null;
  /** null unless `--orphans`. */
  readonly orphans: number | null;
}
