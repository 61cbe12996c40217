/**
 * One declared group against its live listing: which declared packages are missing, which live
 * packages the spec does not declare, which declared ones are not READY.
 */
import { listNames } from "../contract/bounded-text";
import { packageNameOf } from "../contract/rules";
import { PackageGroupSpec } from "../contract/spec";
import { LiveGroup } from "./dli-client";
import { differenceFrom, GroupDifference, isExact } from "./verify-group";

/** `missing`: no such group (or an empty one) is live; `drift`: live but not exactly the spec. */
export type GroupState = "in-sync" | "drift" | "missing";

/** The same difference upload-group's verifying read computes, plus the state it amounts to. */
export interface GroupComparison extends GroupDifference {
  readonly state: GroupState;
}

export function compareGroup(spec: PackageGroupSpec, live: LiveGroup | undefined): GroupComparison {
  const difference = differenceFrom(live, spec.paths.map(packageNameOf));
  if (!live || live.packages.length === 0) return { state: "missing", ...difference };
  return { state: isExact(difference) ? "in-sync" : "drift", ...difference };
}

/** The human form: `["missing: c.jar", "extra: b.jar"]`; empty when in sync. */
export function describeComparison(comparison: GroupComparison): string[] {
  if (comparison.state === "missing") {
    const n = comparison.missing.length;
    return [`group missing (declares ${n} package${n === 1 ? "" : "s"})`];
  }
  const problems: string[] = [];
  if (comparison.missing.length > 0) problems.push(`missing: ${listNames(comparison.missing)}`);
  if (comparison.extra.length > 0) problems.push(`extra: ${listNames(comparison.extra)}`);
  if (comparison.notReady.length > 0) problems.push(`not READY: ${listNames(comparison.notReady.map((p) => `${p.name} (${p.status})`))}`);
  return problems;
}
