/**
 * Token bucket per caller and API (dli-api.md §4.3: "by default, an API can be accessed a
 * maximum of 200 times per second"): each key (the server passes `caller api`, after
 * authentication) holds up to `perSecond` tokens, refilled continuously.
 */
export class Throttle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private perSecond: number,
    private readonly now: () => number,
  ) {}

  setRate(perSecond: number): void {
    this.perSecond = perSecond;
    this.buckets.clear();
  }

  get rate(): number {
    return this.perSecond;
  }

  /** Take one token for `key`; false when the bucket is empty. A rate of 0 disables throttling. */
  take(key: string): boolean {
    if (this.perSecond <= 0) return true;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.perSecond, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
      bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
