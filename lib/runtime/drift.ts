/**
 * One declared group against its live listing: which declared packages are missing, which live
 * packages the spec does not declare, which declared ones are not READY.
 */
import { listNames } from "../contract/bounded-text";
import { packageNameOf } from "../contract/rules";
import { PackageGroupSpec } from "../contract/spec";
import { LiveGroup } from "./dli-client";

/** `missing`: no such group (or an empty one) is live; `drift`: live but not exactly the spec. */
export type GroupState = "in-sync" | "drift" | "missing";

export interface GroupComparison {
  readonly state: GroupState;
  /** Declared package names the live group lacks. */
  readonly missing: readonly string[];
  /** Live package names the spec does not declare. */
  readonly extra: readonly string[];
  /** Declared packages that are live but not READY, with their status. */
  readonly notReady: readonly { readonly name: string; readonly status: string }[];
}

export function compareGroup(spec: PackageGroupSpec, live: LiveGroup | undefined): GroupComparison {
  const declared = spec.paths.map(packageNameOf);
  if (!live || live.packages.length === 0) return { state: "missing", missing: declared, extra: [], notReady: [] };
  const byName = new Map(live.packages.map((p) => [p.name, p]));
  const wanted = new Set(declared);
  const missing = declared.filter((n) => !byName.has(n));
  const extra = live.packages.map((p) => p.name).filter((n) => !wanted.has(n));
  const notReady = declared.filter((n) => byName.has(n) && byName.get(n)!.status !== "READY").map((n) => ({ name: n, status: byName.get(n)!.status }));
  const inSync = missing.length === 0 && extra.length === 0 && notReady.length === 0;
  return { state: inSync ? "in-sync" : "drift", missing, extra, notReady };
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
