/**
 * Which failures are retried and how long to wait (design.md §4 "Every HTTP call",
 * dli-api.md §5): 429, 500, 502, 503, 504, connection resets and timeouts; exponential backoff
 * with full jitter, bounded by attempts and total time, honouring Retry-After. A 429 is
 * throttling, a normal condition at scale: it is waited out within the total-time bound and
 * does not spend the attempt budget, which is meant for faults (issue 11 §2); how long it waits
 * is the process's pacer's call (pacer.ts). Pure functions, so the bounds are unit-tested
 * without a network.
 */
import { RUNTIME_ENV } from "../contract/spec";
import { wholeNumberSetting } from "./whole-number-setting";

export const RETRY_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

/**
 * Node's error codes for resets, refusals and timeouts (ETIMEDOUT is also what the transport
 * reports when no answer came within the request timeout). ENOTFOUND is absent on purpose: a
 * wrong host stays wrong.
 */
export const RETRY_ERROR_CODES: readonly string[] = ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"];

export interface RetryBounds {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  /** Backoff base: the n-th retry waits uniformly in [0, min(maxDelayMs, baseMs·2^(n-1))]. */
  readonly baseMs: number;
  readonly maxDelayMs: number;
  /** No retry is scheduled that would end later than this after the first attempt started. */
  readonly totalMs: number;
  /** Connect, headers and body timeout of each attempt. */
  readonly requestTimeoutMs: number;
}

export const DEFAULT_RETRY_BOUNDS: RetryBounds = { maxAttempts: 6, baseMs: 500, maxDelayMs: 20_000, totalMs: 120_000, requestTimeoutMs: 30_000 };

/**
 * Accepted range of each retry variable (docs/cli.md "Retries"). The upper bounds keep every timer
 * far below Node's 2^31−1 ms limit (a larger value fires at once: every retry immediately).
 */
export const RETRY_BOUND_RANGES: Readonly<Record<keyof RetryBounds, { readonly variable: string; readonly min: number; readonly max: number }>> = {
  maxAttempts: { variable: RUNTIME_ENV.maxAttempts[0], min: 1, max: 100 },
  baseMs: { variable: RUNTIME_ENV.retryBaseMs[0], min: 0, max: 60_000 },
  maxDelayMs: { variable: RUNTIME_ENV.retryMaxDelayMs[0], min: 0, max: 300_000 },
  totalMs: { variable: RUNTIME_ENV.retryTotalMs[0], min: 0, max: 3_600_000 },
  requestTimeoutMs: { variable: RUNTIME_ENV.requestTimeoutMs[0], min: 1, max: 600_000 },
};

export function retryBoundsFromEnvironment(env: NodeJS.ProcessEnv): RetryBounds {
  const read = (field: keyof RetryBounds) => wholeNumberSetting(env, RETRY_BOUND_RANGES[field], DEFAULT_RETRY_BOUNDS[field]);
  return {
    maxAttempts: read("maxAttempts"),
    baseMs: read("baseMs"),
    maxDelayMs: read("maxDelayMs"),
    totalMs: read("totalMs"),
    requestTimeoutMs: read("requestTimeoutMs"),
  };
}

/** Full jitter (AWS architecture blog "Exponential Backoff and Jitter"): spreads a burst of clients. */
export function fullJitterDelay(retryNumber: number, bounds: Pick<RetryBounds, "baseMs" | "maxDelayMs">, random: () => number = Math.random): number {
  const ceiling = Math.min(bounds.maxDelayMs, bounds.baseMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as seconds or an HTTP date → ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*[0-9]+(\.[0-9]+)?\s*$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly reason: string };

export interface FailedAttempt {
  /** HTTP status when an answer came, else undefined. */
  readonly status?: number;
  /** Error code when no answer came. */
  readonly code?: string;
  readonly retryAfter?: string | string[];
  /** Attempts so far that count against the budget (≥ 1; 429 answers are not counted). */
  readonly attempts: number;
  /** For a 429 without Retry-After: how long the process's pacer holds the next request. */
  readonly throttleDelayMs?: number;
  /** ms since the first attempt started. */
  readonly elapsedMs: number;
}

export function decideRetry(failed: FailedAttempt, bounds: RetryBounds, random: () => number = Math.random, now: number = Date.now()): RetryDecision {
  const retryable = failed.status !== undefined ? RETRY_STATUSES.includes(failed.status) : failed.code !== undefined && RETRY_ERROR_CODES.includes(failed.code);
  if (!retryable) return { retry: false, reason: "not retryable" };
  const throttled = failed.status === 429;
  if (!throttled && failed.attempts >= bounds.maxAttempts) {
    return { retry: false, reason: `${failed.attempts} attempts made (${RUNTIME_ENV.maxAttempts[0]}=${bounds.maxAttempts})` };
  }
  const backoff = throttled && failed.throttleDelayMs !== undefined ? failed.throttleDelayMs : fullJitterDelay(failed.attempts, bounds, random);
  const delayMs = retryAfterMs(failed.retryAfter, now) ?? backoff;
  if (failed.elapsedMs + delayMs > bounds.totalMs) {
    return { retry: false, reason: `the next retry would pass ${RUNTIME_ENV.retryTotalMs[0]}=${bounds.totalMs}` };
  }
  return { retry: true, delayMs };
}
