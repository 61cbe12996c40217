/**
 * The last step of every write command (design.md §4 step 7): read the group back after the
 * last write and say whether it is what this process was asked to leave. DLI has no lock and
 * no conditional write (dli-api.md §1), so a second writer on the same group can change it at
 * any moment; a process exits 0 only when this read shows its own result ("exit 0 always means
 * verified"), otherwise it fails with one line naming what differs.
 */
import { listNames } from "../contract/bounded-text";
import { extraPackages } from "./converge";
import { DliClient, LiveGroup } from "./dli-client";
import { OperationError } from "./errors";

/** How a live group differs from the declared names (all empty: exact and READY). */
export interface GroupDifference {
  /** Live packages the spec does not declare. */
  readonly extra: readonly string[];
  /** Declared packages the group does not hold. */
  readonly missing: readonly string[];
  /** Declared packages present but not READY, with their status. */
  readonly notReady: readonly { readonly name: string; readonly status: string }[];
}

export function differenceFrom(group: LiveGroup | undefined, declared: readonly string[]): GroupDifference {
  const live = new Map((group?.packages ?? []).map((p) => [p.name, p.status]));
  return {
    extra: extraPackages(group, declared),
    missing: declared.filter((name) => !live.has(name)),
    notReady: declared.filter((name) => live.has(name) && live.get(name) !== "READY").map((name) => ({ name, status: live.get(name)! })),
  };
}

export function isExact(difference: GroupDifference): boolean {
  return difference.extra.length === 0 && difference.missing.length === 0 && difference.notReady.length === 0;
}

const ONE_OWNER =
  "another writer changed the same group at the same time; a group must have one owner (one construct in one stack, one pipeline)";

/** `extra x.jar; missing a.jar; not READY b.jar (UPLOADING)`, each list bounded. */
export function describeDifference(difference: GroupDifference): string {
  const parts: string[] = [];
  if (difference.extra.length > 0) parts.push(`extra ${listNames(difference.extra)}`);
  if (difference.missing.length > 0) parts.push(`missing ${listNames(difference.missing)}`);
  if (difference.notReady.length > 0) parts.push(`not READY ${listNames(difference.notReady.map((p) => `${p.name} (${p.status})`))}`);
  return parts.join("; ");
}

/** The one line for a group that another writer changed under this process. */
export function changedWhileConvergingError(group: string, difference: GroupDifference): OperationError {
  return new OperationError(
    `group ${group} changed while it was being converged: ${describeDifference(difference)} — ${ONE_OWNER}; re-apply to repair once only one writer remains`,
  );
}

/** Read the group once more; exactly the declared names, all READY, or an {@link OperationError}. */
export async function verifyGroupIsSpec(client: DliClient, group: string, declared: readonly string[]): Promise<void> {
  const difference = differenceFrom(await client.getGroup(group), declared);
  if (!isExact(difference)) throw changedWhileConvergingError(group, difference);
}

/** Read the group once more; gone (or empty), or an {@link OperationError} naming what is back. */
export async function verifyGroupIsGone(client: DliClient, group: string): Promise<void> {
  const live = await client.getGroup(group);
  const names = (live?.packages ?? []).map((p) => p.name);
  if (names.length === 0) return;
  throw new OperationError(
    `group ${group} changed while it was being deleted: it holds ${listNames(names)} again — ${ONE_OWNER}; run the deletion again (terraform destroy, or delete-group) once only one writer remains`,
  );
}
