/**
 * Poll the group until every declared package is READY (design.md §4 step 5): the first poll
 * comes soon (most uploads are READY at once or within seconds), then the interval grows ×1.5
 * up to a modest ceiling, so a package that turns READY is seen shortly after, and the whole
 * wait is bounded by the spec's timeout. FAILED ends the wait at once.
 */
import { DliClient, LiveGroup, LivePackage } from "./dli-client";
import { OperationError } from "./errors";

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

export async function waitUntilReady(options: WaitOptions): Promise<LiveGroup> {
  const { client, group, names, timeoutMs } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + timeoutMs;
  let current = options.initial;
  let lastReported = -1;
  for (let n = 0; ; n++) {
    if (current) {
      const state = readiness(current, names);
      if (state.state === "ready") return current;
      if (state.state === "failed") {
        const list = state.failed.map((p) => p.name).join(", ");
        throw new OperationError(`group ${group}: ${state.failed.length} package(s) FAILED: ${list} — check that each OBS object exists and DLI may read it, then re-apply`);
      }
      if (state.ready !== lastReported) {
        options.onProgress?.(state.ready, names.length);
        lastReported = state.ready;
      }
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      const pending = names.filter((name) => current?.packages.find((p) => p.name === name)?.status !== "READY");
      throw new OperationError(
        `group ${group}: not READY after ${Math.round(timeoutMs / 1000)}s (waitTimeout); still waiting for ${pending.join(", ")} — raise waitTimeout or check the packages in the DLI console`,
      );
    }
    await sleep(Math.min(pollInterval(n, options.schedule), remaining));
    current = await client.getGroup(group);
  }
}
