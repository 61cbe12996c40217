/** The pure retry rules: which failures retry, full-jitter bounds, Retry-After, attempt and time bounds. */
import { decideRetry, DEFAULT_RETRY_BOUNDS, fullJitterDelay, retryAfterMs, retryBoundsFromEnvironment } from "../../lib/runtime/retry-policy";
import { pollInterval, readiness } from "../../lib/runtime/wait-until-ready";
import { extraPackages } from "../../lib/runtime/converge";

const bounds = { ...DEFAULT_RETRY_BOUNDS, maxAttempts: 5, baseMs: 100, maxDelayMs: 1000, totalMs: 10_000 };

test.each([429, 500, 502, 503, 504])("HTTP %i is retried", (status) => {
  expect(decideRetry({ status, attempts: 1, elapsedMs: 0 }, bounds, () => 0.5).retry).toBe(true);
});

test.each([400, 401, 403, 404, 409, 413, 501])("HTTP %i is never retried", (status) => {
  expect(decideRetry({ status, attempts: 1, elapsedMs: 0 }, bounds)).toEqual({ retry: false, reason: "not retryable" });
});

// Written out, not imported: each code removed from RETRY_ERROR_CODES fails its own case.
test.each(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"])("%s is retried", (code) => {
  expect(decideRetry({ code, attempts: 1, elapsedMs: 0 }, bounds, () => 0).retry).toBe(true);
});

test("ENOTFOUND (a wrong host) is not retried", () => {
  expect(decideRetry({ code: "ENOTFOUND", attempts: 1, elapsedMs: 0 }, bounds).retry).toBe(false);
});

test("full jitter: the n-th retry waits in [0, min(max, base·2^(n-1)))", () => {
  expect(fullJitterDelay(1, bounds, () => 0.999)).toBe(99);
  expect(fullJitterDelay(3, bounds, () => 0.999)).toBe(399);
  expect(fullJitterDelay(10, bounds, () => 0.999)).toBe(999);
  expect(fullJitterDelay(3, bounds, () => 0)).toBe(0);
});

test("Retry-After in seconds or as an HTTP date wins over the backoff", () => {
  expect(retryAfterMs("2")).toBe(2000);
  expect(retryAfterMs(new Date(10_000).toUTCString(), 7_000)).toBe(3000);
  expect(retryAfterMs("soon")).toBeUndefined();
  expect(decideRetry({ status: 429, retryAfter: "3", attempts: 1, elapsedMs: 0 }, bounds, () => 0)).toEqual({ retry: true, delayMs: 3000 });
});

test("the attempt bound and the total-time bound stop retries", () => {
  expect(decideRetry({ status: 503, attempts: 5, elapsedMs: 0 }, bounds).retry).toBe(false);
  expect(decideRetry({ status: 503, retryAfter: "11", attempts: 1, elapsedMs: 0 }, bounds).retry).toBe(false);
  expect(decideRetry({ status: 503, attempts: 2, elapsedMs: 9_990 }, bounds, () => 0.5).retry).toBe(false);
});

test("a 429 is waited out whatever the fault attempts: only the total-time bound ends it, at the pacer's delay", () => {
  expect(decideRetry({ status: 429, attempts: bounds.maxAttempts, throttleDelayMs: 700, elapsedMs: 0 }, bounds)).toEqual({ retry: true, delayMs: 700 });
  expect(decideRetry({ status: 503, attempts: bounds.maxAttempts, elapsedMs: 0 }, bounds).retry).toBe(false);
  expect(decideRetry({ status: 429, attempts: 1, throttleDelayMs: 700, elapsedMs: bounds.totalMs - 500 }, bounds).retry).toBe(false);
});

test("bounds come from DLI_PACKAGES_* variables, with defaults", () => {
  expect(retryBoundsFromEnvironment({})).toEqual(DEFAULT_RETRY_BOUNDS);
  expect(retryBoundsFromEnvironment({ DLI_PACKAGES_MAX_ATTEMPTS: "2", DLI_PACKAGES_RETRY_TOTAL_MS: "50" })).toMatchObject({ maxAttempts: 2, totalMs: 50 });
  expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_MAX_ATTEMPTS: "0" })).toThrow(/DLI_PACKAGES_MAX_ATTEMPTS: "0" must be a whole number from 1 to 100/);
  // upper bounds: a huge value would overflow Node's timer and fire every retry at once
  expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_RETRY_BASE_MS: "99999999999" })).toThrow(/DLI_PACKAGES_RETRY_BASE_MS: "99999999999" must be a whole number from 0 to 60000/);
  expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_RETRY_TOTAL_MS: "3600001" })).toThrow(/from 0 to 3600000/);
});

test("polling starts soon, grows ×1.5 and stays at most 2 s", () => {
  expect([0, 1, 2, 3, 4, 5, 6].map((n) => pollInterval(n))).toEqual([250, 375, 563, 844, 1266, 1898, 2000]);
});

test("readiness: FAILED wins, statuses compared upper-cased by the client, missing packages pending", () => {
  const group = (statuses: Record<string, string>) => ({ name: "g", packages: Object.entries(statuses).map(([name, status]) => ({ name, status })) });
  expect(readiness(group({ a: "READY", b: "READY" }), ["a", "b"])).toEqual({ state: "ready" });
  expect(readiness(group({ a: "READY" }), ["a", "b"])).toEqual({ state: "pending", ready: 1 });
  expect(readiness(group({ a: "FAILED", b: "UPLOADING" }), ["a", "b"])).toMatchObject({ state: "failed", failed: [{ name: "a" }] });
  expect(readiness(undefined, ["a"])).toEqual({ state: "pending", ready: 0 });
});

test("converge deletes exactly the undeclared packages", () => {
  const group = { name: "g", packages: ["a", "b", "c"].map((name) => ({ name, status: "READY" })) };
  expect(extraPackages(group, ["a", "c", "d"])).toEqual(["b"]);
  expect(extraPackages(undefined, ["a"])).toStrictEqual([]);
});

describe("the bounds, exactly", () => {
  test("the attempt bound: one attempt short still retries; the reason names the variable", () => {
    expect(decideRetry({ status: 503, attempts: 4, elapsedMs: 0 }, bounds, () => 0).retry).toBe(true);
    expect(decideRetry({ status: 503, attempts: 5, elapsedMs: 0 }, bounds)).toEqual({ retry: false, reason: "5 attempts made (DLI_PACKAGES_MAX_ATTEMPTS=5)" });
  });

  test("the total-time bound: a retry ending exactly at the bound is made; one ms later is not", () => {
    expect(decideRetry({ status: 503, retryAfter: "1", attempts: 1, elapsedMs: 9_000 }, bounds)).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry({ status: 503, retryAfter: "1", attempts: 1, elapsedMs: 9_001 }, bounds)).toEqual({
      retry: false,
      reason: "the next retry would pass DLI_PACKAGES_RETRY_TOTAL_MS=10000",
    });
  });

  test("a 429 without the pacer's delay falls back to the jittered backoff", () => {
    expect(decideRetry({ status: 429, attempts: 3, elapsedMs: 0 }, bounds, () => 0.5)).toEqual({ retry: true, delayMs: 200 });
    // a fault's backoff ignores throttleDelayMs
    expect(decideRetry({ status: 503, attempts: 3, throttleDelayMs: 700, elapsedMs: 0 }, bounds, () => 0.5)).toEqual({ retry: true, delayMs: 200 });
  });

  test("the first retry (and a retry number below 1) waits up to the base", () => {
    expect(fullJitterDelay(0, bounds, () => 0.999)).toBe(99);
    expect(fullJitterDelay(2, bounds, () => 0.999)).toBe(199);
  });

  test("Retry-After: the first of repeated headers, fractions, blanks, dates in the past", () => {
    expect(retryAfterMs(["2", "9"])).toBe(2000);
    expect(retryAfterMs(" 1.5 ")).toBe(1500);
    expect(retryAfterMs("")).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Date(5_000).toUTCString(), 7_000)).toBe(0);
    expect(retryAfterMs("1.25")).toBe(1250);
    // neither seconds nor a date: no Retry-After (never NaN)
    for (const text of ["x2", "2x", "2 seconds"]) expect(retryAfterMs(text)).toBeUndefined();
  });

  test("the defaults, as docs/cli.md gives them", () => {
    expect(retryBoundsFromEnvironment({})).toEqual({ maxAttempts: 6, baseMs: 500, maxDelayMs: 20_000, totalMs: 120_000, requestTimeoutMs: 30_000 });
  });

  test("each variable: blank means the default, spaces around a number are ignored, the range ends are allowed", () => {
    expect(retryBoundsFromEnvironment({ DLI_PACKAGES_MAX_ATTEMPTS: "  " }).maxAttempts).toBe(DEFAULT_RETRY_BOUNDS.maxAttempts);
    expect(retryBoundsFromEnvironment({ DLI_PACKAGES_MAX_ATTEMPTS: " 7 " }).maxAttempts).toBe(7);
    expect(
      retryBoundsFromEnvironment({
        DLI_PACKAGES_MAX_ATTEMPTS: "100",
        DLI_PACKAGES_RETRY_BASE_MS: "0",
        DLI_PACKAGES_RETRY_MAX_DELAY_MS: "300000",
        DLI_PACKAGES_RETRY_TOTAL_MS: "3600000",
        DLI_PACKAGES_REQUEST_TIMEOUT_MS: "1",
      }),
    ).toEqual({ maxAttempts: 100, baseMs: 0, maxDelayMs: 300_000, totalMs: 3_600_000, requestTimeoutMs: 1 });
    expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_MAX_ATTEMPTS: "101" })).toThrow(/DLI_PACKAGES_MAX_ATTEMPTS: "101" must be a whole number from 1 to 100/);
    expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_RETRY_MAX_DELAY_MS: "300001" })).toThrow(/DLI_PACKAGES_RETRY_MAX_DELAY_MS: "300001" must be a whole number from 0 to 300000/);
    expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_REQUEST_TIMEOUT_MS: "600001" })).toThrow(/DLI_PACKAGES_REQUEST_TIMEOUT_MS: "600001" must be a whole number from 1 to 600000/);
    expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_RETRY_BASE_MS: "-1" })).toThrow(/DLI_PACKAGES_RETRY_BASE_MS: "-1" must be a whole number/);
    expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_RETRY_TOTAL_MS: "1e3" })).toThrow(/DLI_PACKAGES_RETRY_TOTAL_MS: "1e3" must be a whole number/);
    expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_MAX_ATTEMPTS: "+5" })).toThrow(/DLI_PACKAGES_MAX_ATTEMPTS: "\+5" must be a whole number/);
    expect(() => retryBoundsFromEnvironment({ DLI_PACKAGES_RETRY_TOTAL_MS: "12345678901" })).toThrow(/"12345678901" must be a whole number/);
  });
});
