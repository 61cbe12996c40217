/**
 * Per-process pacing under throttling (design.md §4 "Throttling"): every request of one process
 * (first attempts and retries alike) takes a slot from one Pacer before it is sent, so when the
 * service answers 429 the whole process slows down together — the deletes of a group wait
 * behind each other instead of each re-hitting the limit at full speed.
 *
 * The rule is AIMD on the spacing between requests, as TCP and the AWS SDKs' "adaptive" retry
 * mode do: unthrottled, no spacing at all (a normal run is not slowed by a single request); each
 * 429 doubles the spacing (from {@link PacerSettings.firstIntervalMs}, at most
 * {@link PacerSettings.maxIntervalMs}) and pauses the process for `Retry-After` when the service
 * sent one, else for a jittered spacing (so 50 processes throttled together do not come back in
 * lock-step); each answer that is not a 429 shrinks the spacing by {@link PacerSettings.recovery},
 * and the spacing also halves every {@link PacerSettings.halfLifeMs} without a 429 — so when the
 * other processes finish, the last ones speed up within seconds instead of one long spacing per
 * request (measured in bench/throttle: without it the tail of 50 deletes took as long as the
 * rest). Pure state over an injected clock and random source, unit-tested without a network.
 */

export interface PacerSettings {
  /** Spacing after the first 429, ms. @default 250 */
  readonly firstIntervalMs: number;
  /** Largest spacing, ms (the retry bound DLI_PACKAGES_RETRY_MAX_DELAY_MS). @default 20000 */
  readonly maxIntervalMs: number;
  /** Factor applied to the spacing after each answer that is not a 429. @default 0.8 */
  readonly recovery: number;
  /** Below this the spacing is dropped to 0 (unpaced). @default 20 */
  readonly negligibleMs: number;
  /** Without a 429 the spacing halves every this many ms. @default 5000 */
  readonly halfLifeMs: number;
}

export const DEFAULT_PACER_SETTINGS: PacerSettings = { firstIntervalMs: 250, maxIntervalMs: 20_000, recovery: 0.8, negligibleMs: 20, halfLifeMs: 5_000 };

export class Pacer {
  /** The spacing as set at `setAt` (it decays from there). */
  private baseIntervalMs = 0;
  private setAt = 0;
  private lastSlotAt = -Infinity;
  private pausedUntil = 0;

  constructor(
    private readonly settings: PacerSettings = DEFAULT_PACER_SETTINGS,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Current spacing between two request starts, ms (0 = unpaced). */
  get intervalMs(): number {
    return this.intervalAt(this.now());
  }

  private intervalAt(now: number): number {
    if (this.baseIntervalMs === 0) return 0;
    const decayed = this.baseIntervalMs * 0.5 ** ((now - this.setAt) / this.settings.halfLifeMs);
    return decayed < this.settings.negligibleMs ? 0 : decayed;
  }

  private setInterval(ms: number, now: number): void {
    this.baseIntervalMs = ms < this.settings.negligibleMs ? 0 : ms;
    this.setAt = now;
  }

  /** Take the next slot: how long to wait (ms) before sending. */
  reserve(): number {
    const now = this.now();
    const slot = Math.max(now, this.lastSlotAt + this.intervalAt(now), this.pausedUntil);
    this.lastSlotAt = slot;
    return Math.round(slot - now);
  }

  /** How long a request reserving now would wait (ms), without taking the slot. */
  pendingDelay(): number {
    const now = this.now();
    return Math.round(Math.max(0, this.lastSlotAt + this.intervalAt(now) - now, this.pausedUntil - now));
  }

  /** A 429 came back: widen the spacing and pause the process (`Retry-After` wins when sent). */
  throttled(retryAfterMs?: number): void {
    const now = this.now();
    const current = this.intervalAt(now);
    const interval = Math.min(this.settings.maxIntervalMs, current === 0 ? this.settings.firstIntervalMs : current * 2);
    this.setInterval(interval, now);
    // Equal jitter: at least half the spacing, so the pause is never ~0 right after a 429.
    const pause = retryAfterMs ?? Math.round(interval * (0.5 + this.random() / 2));
    this.pausedUntil = Math.max(this.pausedUntil, now + pause);
  }

  /** Any answer other than 429: let the pace recover. */
  answered(): void {
    const now = this.now();
    this.setInterval(this.intervalAt(now) * this.settings.recovery, now);
  }
}
