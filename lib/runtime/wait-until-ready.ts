/**
 * Wait until every declared package is READY (design.md §4 step 5), at a cost that does not grow
 * with the project: the project listing (dli-api.md §1.3, no `group` filter) holds every group,
 * so each poll round asks for ONE still-pending package (`GET resources/{name}?group=`, §1.4)
 * and the listing is read only when that package is READY or FAILED, to see the rest. Packages
 * of one upload turn READY together, so that is one listing per wait. One package per round,
 * not one per pending package: at -parallelism=10 the latter would send 20× the requests and
 * pass DLI's 200 requests/s per API (bench/scale).
 * The first poll comes soon (most uploads are READY at once or within seconds), then the
 * interval grows ×1.5 up to a modest ceiling, and the whole wait is bounded by the spec's
 * timeout. FAILED ends the wait at once.
 * A declared package that was seen (in the upload answer, a poll or a listing) and is then gone
 * was removed by another writer (DLI has no lock): that ends the wait at once too, with the
 * "changed while it was being converged" line, instead of waiting out the whole timeout.
 */
import { DliClient, LiveGroup, LivePackage } from "./dli-client";
import { OperationError } from "./errors";
import { changedWhileConvergingError } from "./verify-group";

export interface PollSchedule {
  readonly firstMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { firstMs: 250, factor: 1.5, maxMs: 2_000 };

/** The n-th wait (0-based) before polling again. */
export function pollInterval(n: number, schedule: PollSchedule = DEFAULT_POLL_SCHEDULE): number {
  return Math.min(schedule.maxMs, Math.round(schedule.firstMs * schedule.factor ** n));
}

export type Readiness = { readonly state: "ready" } | { readonly state: "failed"; readonly failed: readonly LivePackage[] } | { readonly state: "pending"; readonly ready: number };

/** Where the declared packages stand in a listing of the group. */
export function readiness(group: LiveGroup | undefined, names: readonly string[]): Readiness {
  const byName = new Map((group?.packages ?? []).map((p) => [p.name, p]));
  const failed = names.map((n) => byName.get(n)).filter((p): p is LivePackage => p?.status === "FAILED");
  if (failed.length > 0) return { state: "failed", failed };
  const ready = names.filter((n) => byName.get(n)?.status === "READY").length;
  return ready === names.length ? { state: "ready" } : { state: "pending", ready };
}

export interface WaitOptions {
  readonly client: DliClient;
  readonly group: string;
  readonly names: readonly string[];
  readonly timeoutMs: number;
  /** The upload answer: when it already says READY for everything, no poll is needed. */
  readonly initial?: LiveGroup;
  readonly onProgress?: (ready: number, total: number) => void;
  readonly schedule?: PollSchedule;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** The group as last listed, once every declared package is READY in it. */
export async function waitUntilReady(options: WaitOptions): Promise<LiveGroup> {
  const { client, group, names, timeoutMs } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + timeoutMs;
  let listed = options.initial;
  let lastReported = -1;
  let round = 0;
  // Declared packages some answer has shown to exist: absent later means another writer removed them.
  const seen = new Set<string>();
  for (;;) {
    const vanished = names.filter((name) => seen.has(name) && statusIn(listed, name) === undefined);
    if (vanished.length > 0) throw changedWhileConvergingError(group, { extra: [], missing: vanished, notReady: [] });
    for (const name of names) if (statusIn(listed, name) !== undefined) seen.add(name);
    const state = readiness(listed, names);
    if (state.state === "ready") return listed!;
    if (state.state === "failed") {
      const list = state.failed.map((p) => p.name).join(", ");
      throw new OperationError(`group ${group}: ${state.failed.length} package(s) FAILED: ${list} — check that each OBS object exists and DLI may read it, then re-apply`);
    }
    if (state.ready !== lastReported) {
      options.onProgress?.(state.ready, names.length);
      lastReported = state.ready;
    }
    const polled = firstPending(listed, names);
    // Poll that one package until it is no longer UPLOADING. Absent counts as pending until it
    // has been seen; absent after that, the listing below tells what else changed.
    for (;;) {
      const remaining = deadline - now();
      if (remaining <= 0) {
        throw new OperationError(
          `group ${group}: not READY after ${Math.round(timeoutMs / 1000)}s (waitTimeout); still waiting for ${pendingNames(listed, names).join(", ")} — raise waitTimeout or check the packages in the DLI console`,
        );
      }
      await sleep(Math.min(pollInterval(round++, options.schedule), remaining));
      const status = (await client.showPackage(polled, group))?.status;
      if (status === "READY" || status === "FAILED" || (status === undefined && seen.has(polled))) break;
      if (status !== undefined) seen.add(polled);
    }
    listed = await client.getGroup(group);
  }
}

function statusIn(group: LiveGroup | undefined, name: string): string | undefined {
  return group?.packages.find((p) => p.name === name)?.status;
}

function pendingNames(group: LiveGroup | undefined, names: readonly string[]): string[] {
  return names.filter((name) => statusIn(group, name) !== "READY");
}

/** The declared package to poll: the first one not READY in the last listing. */
function firstPending(group: LiveGroup | undefined, names: readonly string[]): string {
  return pendingNames(group, names)[0];
}
