/**
 * waitUntilReady against the emulator over real signed HTTP, with one injected clock shared by
 * the emulator (async READY) and the wait (sleeps advance it): a poll round is one
 * `GET resources/{name}?group=` of one pending package, and the project listing is read only
 * once the polled package is READY or FAILED.
 */
import { RunningEmulator } from "../../lib/emulator";
import { LiveGroup } from "../../lib/runtime/dli-client";
import { silentProgress } from "../../lib/runtime/progress";
import { openSession, Session } from "../../lib/runtime/session";
import { waitUntilReady } from "../../lib/runtime/wait-until-ready";
import { FAST_RETRIES, OBS, startTestEmulator } from "./support/run-cli";

let emulator: RunningEmulator;
let session: Session;
// The emulator's clock: real time (signatures are checked against it) plus simulated sleeps.
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
const sleep = async (ms: number) => {
  offsetMs += ms;
};

beforeAll(async () => {
  emulator = await startTestEmulator({ now });
  session = await openSession({ region: "cn-north-4", env: { ...emulator.env, ...FAST_RETRIES }, progress: silentProgress });
});
afterAll(async () => {
  await session.close();
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  emulator.configure({ readyDelayMs: 0, failPaths: [], uploadSemantics: "overwrite" });
  offsetMs = 0;
});

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}.jar`);
const upload = (group: string, packageNames: readonly string[]): Promise<LiveGroup> => session.client.uploadGroup("jar", group, packageNames.map(OBS));
const calls = () => emulator.requests().map((r) => `${r.api} ${r.path.replace(/^.*\/resources/, "")}${r.query ? `?${r.query}` : ""}`.trim());

test("a 20-package group in a project of 50 other groups: each round shows one package, one listing at the end", async () => {
  for (let g = 0; g < 50; g++) await upload(`other-${g}`, names("o", 20));
  emulator.configure({ readyDelayMs: 3000 });
  const declared = names("p", 20);
  const uploaded = await upload("mine", declared);
  emulator.clearRequests();

  const ready = await waitUntilReady({ client: session.client, group: "mine", names: declared, timeoutMs: 60_000, initial: uploaded, sleep, now });

  expect(ready.packages.map((p) => `${p.name}:${p.status}`)).toEqual(declared.map((n) => `${n}:READY`));
  const log = calls();
  const shows = log.filter((c) => c.startsWith("ShowJobResource"));
  expect(new Set(shows)).toEqual(new Set(["ShowJobResource /p0.jar?group=mine"]));
  // 250, 375, 563, 844, 1266 ms → 3.3 s ≥ 3 s: five rounds, then the listing.
  expect(shows).toHaveLength(5);
  expect(log.filter((c) => c.startsWith("ListJobResources"))).toEqual(["ListJobResources"]);
  expect(log).toHaveLength(6);
});

test("packages that turn READY at different times: the next round polls a package still pending, never a READY one", async () => {
  emulator.configure({ readyDelayMs: 3000, uploadSemantics: "merge" });
  await upload("staggered", ["a.jar", "b.jar"]);
  offsetMs += 1500;
  const last = await upload("staggered", ["c.jar"]); // READY 1.5 s after a and b
  emulator.clearRequests();

  await waitUntilReady({ client: session.client, group: "staggered", names: ["a.jar", "b.jar", "c.jar"], timeoutMs: 60_000, initial: last, sleep, now });

  const log = calls();
  const shown = log.filter((c) => c.startsWith("ShowJobResource")).map((c) => c.split(" ")[1]);
  // a.jar until READY (3 s after its upload), then the listing shows c.jar pending, then c.jar.
  expect(shown[0]).toBe("/a.jar?group=staggered");
  expect(shown.at(-1)).toBe("/c.jar?group=staggered");
  expect(shown.every((s) => s === "/a.jar?group=staggered" || s === "/c.jar?group=staggered")).toBe(true);
  expect(log.filter((c) => c.startsWith("ListJobResources"))).toHaveLength(2);
});

test("FAILED ends the wait at the first round that sees it, naming every failed package", async () => {
  emulator.configure({ readyDelayMs: 1000, failPaths: ["x.jar", "z.jar"] });
  const uploaded = await upload("failing", ["ok.jar", "x.jar", "z.jar"]);
  emulator.clearRequests();

  await expect(waitUntilReady({ client: session.client, group: "failing", names: ["ok.jar", "x.jar", "z.jar"], timeoutMs: 60_000, initial: uploaded, sleep, now })).rejects.toThrow(
    /^group failing: 2 package\(s\) FAILED: x\.jar, z\.jar — check that each OBS object exists/,
  );
  expect(calls().filter((c) => c.startsWith("ListJobResources"))).toHaveLength(1);
});

test.each([404, 400] as const)("a declared package absent from the group (missing-package status %i) is pending until the timeout, without listing", async (status) => {
  emulator.configure({ missingPackageStatus: status });
  const uploaded = await upload("partial", ["here.jar"]);
  emulator.clearRequests();

  await expect(waitUntilReady({ client: session.client, group: "partial", names: ["here.jar", "gone.jar"], timeoutMs: 5000, initial: uploaded, sleep, now })).rejects.toThrow(
    /^group partial: not READY after 5s \(waitTimeout\); still waiting for gone\.jar — raise waitTimeout/,
  );
  const log = calls();
  expect(log.length).toBeGreaterThan(3);
  expect(new Set(log)).toEqual(new Set(["ShowJobResource /gone.jar?group=partial"]));
});

test("an upload answer that is already READY costs no request", async () => {
  const uploaded = await upload("sync", ["a.jar"]);
  emulator.clearRequests();
  await waitUntilReady({ client: session.client, group: "sync", names: ["a.jar"], timeoutMs: 1000, initial: uploaded, sleep, now });
  expect(calls()).toEqual([]);
});

test("a declared package that another writer removes mid-wait ends the wait at once with the one-owner line, not at the timeout", async () => {
  emulator.configure({ readyDelayMs: 3000 });
  const uploaded = await upload("contested", ["a.jar", "b.jar"]);
  emulator.clearRequests();
  let overwritten = false;
  // GIVEN a second writer whose same-name upload replaces the group during our first sleep
  const sleepThenOverwrite = async (ms: number) => {
    await sleep(ms);
    if (!overwritten) {
      overwritten = true;
      await upload("contested", ["z.jar"]);
    }
  };

  const waiting = waitUntilReady({ client: session.client, group: "contested", names: ["a.jar", "b.jar"], timeoutMs: 600_000, initial: uploaded, sleep: sleepThenOverwrite, now });

  await expect(waiting).rejects.toThrow(
    /^group contested changed while it was being converged: missing a\.jar, b\.jar — another writer changed the same group at the same time; a group must have one owner/,
  );
  // One poll (404 for a package that existed), one listing to see the rest: far from the 600 s timeout.
  expect(calls().filter((c) => !c.startsWith("Upload"))).toEqual(["ShowJobResource /a.jar?group=contested", "ListJobResources"]);
  expect(offsetMs).toBeLessThan(1000);
});

test("progress is reported when the count of READY packages changes, not every round", async () => {
  emulator.configure({ uploadSemantics: "merge" });
  await upload("progress", ["a.jar"]);
  emulator.configure({ readyDelayMs: 1000 });
  const uploaded = await upload("progress", ["b.jar"]); // a READY, b UPLOADING
  let reuploaded = false;
  // GIVEN a second writer re-uploading a.jar during the first sleep: it is UPLOADING again when b turns READY
  const sleepThenReupload = async (ms: number) => {
    await sleep(ms);
    if (!reuploaded) {
      reuploaded = true;
      emulator.configure({ readyDelayMs: 5000 });
      await upload("progress", ["a.jar"]);
    }
  };
  const reports: [number, number][] = [];

  await waitUntilReady({ client: session.client, group: "progress", names: ["a.jar", "b.jar"], timeoutMs: 60_000, initial: uploaded, sleep: sleepThenReupload, now, onProgress: (ready, total) => reports.push([ready, total]) });

  // 1 of 2 READY at the start; b READY with a UPLOADING again is still 1 of 2: no second line
  expect(reports).toEqual([[1, 2]]);
  expect(calls().filter((c) => c.startsWith("ListJobResources"))).toHaveLength(2);
});

test("the timeout is exact: the round that reaches it ends the wait, and no poll is sent without a wait", async () => {
  const uploaded = await upload("exact", ["here.jar"]);
  const slept: number[] = [];
  // the wait's own clock is the simulated time alone, so the deadline is reached exactly
  const sleepExactly = async (ms: number) => {
    if (ms <= 0) throw new Error(`a poll without a wait (slept ${ms} ms)`);
    slept.push(ms);
    await sleep(ms);
  };
  await expect(waitUntilReady({ client: session.client, group: "exact", names: ["gone.jar"], timeoutMs: 5000, initial: uploaded, sleep: sleepExactly, now: () => offsetMs })).rejects.toThrow(
    /^group exact: not READY after 5s \(waitTimeout\); still waiting for gone\.jar/,
  );
  // 250, 375, 563, 844, 1266, then the 1702 ms left of 5 s
  expect(slept).toEqual([250, 375, 563, 844, 1266, 1702]);
});

test("the polled package turning FAILED ends the wait at once", async () => {
  emulator.configure({ readyDelayMs: 1000, failPaths: ["x.jar"] });
  const uploaded = await upload("failing-polled", ["x.jar"]);
  emulator.clearRequests();

  await expect(waitUntilReady({ client: session.client, group: "failing-polled", names: ["x.jar"], timeoutMs: 60_000, initial: uploaded, sleep, now })).rejects.toThrow(
    /^group failing-polled: 1 package\(s\) FAILED: x\.jar — /,
  );
  // FAILED at 1 s: polls after 250, 625 and 1188 ms, then the listing
  expect(calls()).toEqual([...Array(3).fill("ShowJobResource /x.jar?group=failing-polled"), "ListJobResources"]);
});

test("without an upload answer: a package seen only by a poll and then gone was removed by another writer", async () => {
  emulator.configure({ readyDelayMs: 3000 });
  await upload("unseen", ["a.jar"]);
  emulator.clearRequests();
  let sleeps = 0;
  // GIVEN a second writer whose same-name upload replaces the group during our second sleep
  const sleepThenOverwrite = async (ms: number) => {
    await sleep(ms);
    if (++sleeps === 2) await upload("unseen", ["z.jar"]);
  };

  await expect(waitUntilReady({ client: session.client, group: "unseen", names: ["a.jar"], timeoutMs: 600_000, sleep: sleepThenOverwrite, now })).rejects.toThrow(
    /^group unseen changed while it was being converged: missing a\.jar — /,
  );
  expect(calls().filter((c) => !c.startsWith("Upload"))).toEqual(["ShowJobResource /a.jar?group=unseen", "ShowJobResource /a.jar?group=unseen", "ListJobResources"]);
});
