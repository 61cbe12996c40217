/**
 * Retries of OBS calls as a digest: a large upload is thousands of parts, and a 429 storm or a
 * flaky link must not print a line per retried part (issue 24: bounded lines, never a line per
 * part). The first retry is said at once; later ones at most once per interval, counted by
 * cause; the total goes into each file's closing line.
 */
import { Progress } from "../progress";
import { RetryListener } from "../transport";

/** At most one retry line per this interval (the first retry is said at once). */
export const RETRY_DIGEST_INTERVAL_MS = 5_000;

export interface RetryDigest {
  readonly listener: RetryListener;
  /** Retries since the last call, e.g. `3 retried (HTTP 503 ×2, ECONNRESET ×1)`; undefined when none. */
  takeTotal(): string | undefined;
}

export function createRetryDigest(log: Progress, now: () => number = () => Number(process.hrtime.bigint()) / 1e6, intervalMs = RETRY_DIGEST_INTERVAL_MS): RetryDigest {
  let lastLine = -Infinity;
  let pending = new Map<string, number>();
  let total = new Map<string, number>();
  const add = (counts: Map<string, number>, cause: string) => counts.set(cause, (counts.get(cause) ?? 0) + 1);
  return {
    listener(event) {
      const cause = event.throttled ? `${event.cause} (throttled)` : event.cause;
      add(pending, cause);
      add(total, cause);
      const at = now();
      if (at - lastLine < intervalMs) return;
      lastLine = at;
      const pacing = event.pacingMs > 0 ? `; this process now sends at most one request per ${(event.pacingMs / 1000).toFixed(2)}s` : "";
      log.step(`OBS: ${describe(pending)}, retrying (429s are waited out; faults retried within DLI_PACKAGES_MAX_ATTEMPTS per call)${pacing}`);
      pending = new Map();
    },
    takeTotal() {
      const text = total.size === 0 ? undefined : describe(total);
      total = new Map();
      pending = new Map();
      return text;
    },
  };
}

function describe(counts: Map<string, number>): string {
  const n = [...counts.values()].reduce((a, b) => a + b, 0);
  const causes = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([cause, count]) => `${cause} ×${count}`);
  return `${n} attempt${n === 1 ? "" : "s"} retried (${causes.join(", ")}${counts.size > 5 ? ", …" : ""})`;
}
