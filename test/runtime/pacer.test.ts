/** The per-process pacer (issue 11 §2), on an injected clock: AIMD spacing, decay, Retry-After, jitter. */
import { Pacer } from "../../lib/runtime/pacer";

function pacerAt(start = 1_000_000, random = () => 0.5, halfLifeMs = 1e15) {
  let now = start;
  const pacer = new Pacer({ firstIntervalMs: 250, maxIntervalMs: 4_000, recovery: 0.5, negligibleMs: 20, halfLifeMs }, () => now, random);
  return { pacer, advance: (ms: number) => (now += ms) };
}

test("unthrottled, requests are not held at all", () => {
  const { pacer } = pacerAt();
  expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 0, 0]);
});

test("a 429 pauses every request of the process, then spaces them by the interval", () => {
  const { pacer } = pacerAt();
  pacer.throttled();
  expect(pacer.intervalMs).toBe(250);
  // equal jitter with random 0.5: a pause of 0.75 × 250 ms, then one request per 250 ms
  expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([188, 438, 688]);
});

test("each 429 doubles the spacing up to the maximum; answers shrink it back to unpaced", () => {
  const { pacer } = pacerAt();
  for (let i = 0; i < 6; i++) pacer.throttled();
  expect(pacer.intervalMs).toBe(4_000);
  const spacings = [];
  for (let i = 0; i < 9; i++) {
    pacer.answered();
    spacings.push(pacer.intervalMs);
  }
  expect(spacings).toEqual([2000, 1000, 500, 250, 125, 62.5, 31.25, 0, 0]);
});

test("Retry-After wins over the jittered pause", () => {
  const { pacer, advance } = pacerAt();
  pacer.throttled(3_000);
  expect(pacer.pendingDelay()).toBe(3_000);
  advance(1_000);
  expect(pacer.reserve()).toBe(2_000);
});

test("the pause is jittered, so processes throttled together come back spread out", () => {
  const pauses = [0, 0.25, 0.5, 0.99].map((r) => {
    const { pacer } = pacerAt(0, () => r);
    pacer.throttled();
    return pacer.pendingDelay();
  });
  expect(pauses).toEqual([125, 156, 188, 249]);
});

test("without a 429 the spacing halves every half-life, so the last processes speed up when others finish", () => {
  const { pacer, advance } = pacerAt(0, () => 0.5, 2_000);
  for (let i = 0; i < 5; i++) pacer.throttled();
  expect(pacer.intervalMs).toBe(4_000);
  advance(2_000);
  expect(pacer.intervalMs).toBe(2_000);
  advance(4_000);
  expect(pacer.intervalMs).toBe(500);
  advance(20_000);
  expect(pacer.intervalMs).toBe(0);
});

test("a request about to reserve would wait for the next slot: the last slot plus the spacing", () => {
  const { pacer, advance } = pacerAt();
  pacer.throttled();
  expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([188, 438, 688]);
  expect(pacer.pendingDelay()).toBe(938);
  advance(1_000);
  expect(pacer.pendingDelay()).toBe(0);
});

test("a spacing of exactly the negligible bound is kept; below it, requests are unpaced", () => {
  let now = 0;
  const pacer = new Pacer({ firstIntervalMs: 40, maxIntervalMs: 4_000, recovery: 0.5, negligibleMs: 20, halfLifeMs: 1e15 }, () => now, () => 0.5);
  pacer.throttled();
  expect(pacer.intervalMs).toBe(40);
  pacer.answered();
  expect(pacer.intervalMs).toBe(20);
  pacer.answered();
  expect(pacer.intervalMs).toBe(0);
  now += 1;
  expect(pacer.intervalMs).toBe(0);
});
