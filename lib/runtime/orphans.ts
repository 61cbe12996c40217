/**
 * Orphans: live groups in a scanned project that no scanned stack declares (for example a
 * construct deleted from the code without `PackageGroupRemoval`). `diff --orphans` reports them
 * with the command a person runs to delete each; it never deletes them itself.
 */
import { PACKAGE_KINDS } from "../contract/spec";
import { LiveGroup } from "./dli-client";

export interface Orphan {
  readonly group: LiveGroup;
  readonly region: string;
  readonly projectId: string;
  /** The DLI endpoint override the declaring specs of this project used, if any. */
  readonly endpoint?: string;
  /** `dli-packages delete-group --group … --region … --project-id …` for this group. */
  readonly deleteCommand: string;
}

export interface OrphanScope {
  readonly region: string;
  readonly projectId: string;
  readonly endpoint?: string;
  /** Every group of the project, as listed. */
  readonly live: readonly LiveGroup[];
  /** Group names the scanned stacks declare in this project. */
  readonly declared: ReadonlySet<string>;
}

/** Live, non-empty groups of the scope that are not declared, optionally only names starting with `prefix`. */
export function findOrphans(scope: OrphanScope, prefix?: string): Orphan[] {
  return scope.live
    .filter((g) => g.packages.length > 0 && !scope.declared.has(g.name) && (prefix === undefined || g.name.startsWith(prefix)))
    .map((group) => ({ group, region: scope.region, projectId: scope.projectId, endpoint: scope.endpoint, deleteCommand: deleteCommandFor(group, scope) }));
}

/**
 * The by-name delete for one group, pasteable into a POSIX shell: every value comes from the
 * listing or the spec, so each is quoted unless it only holds characters that need none.
 */
export function deleteCommandFor(group: LiveGroup, scope: Pick<OrphanScope, "region" | "projectId" | "endpoint">): string {
  const kinds = [...new Set(group.packages.map((p) => p.type))];
  const kind = kinds.length === 1 && PACKAGE_KINDS.some((k) => k === kinds[0]) ? ` --kind ${kinds[0]}` : "";
  const endpoint = scope.endpoint ? `HW_DLI_ENDPOINT=${shellWord(scope.endpoint)} ` : "";
  return `${endpoint}dli-packages delete-group --group ${shellWord(group.name)} --region ${shellWord(scope.region)} --project-id ${shellWord(scope.projectId)}${kind}`;
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9._:/@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
