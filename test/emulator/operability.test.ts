/**
 * Operability: throttling (dli-api.md §4.3), seeded fault injection, the request log and the
 * `/__emulator/` control routes, and state-file persistence.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { RunningEmulator, startEmulator, StateFileError } from "../../lib/emulator";
import { json, obs, send, signedSend } from "./support/client";

const base = (e: RunningEmulator) => `/v2.0/${e.env.HW_PROJECT_ID}/resources`;
const list = (e: RunningEmulator) => signedSend(e, { method: "GET", path: base(e) });

describe("throttling: token bucket per API", () => {
  let clock = Date.now();
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ now: () => clock, throttlePerSecond: 5 });
  });
  afterAll(() => emulator.close());

  test("the 6th call of one API within a second → 429 APIGW.0308; other APIs unaffected; refills with time", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await list(emulator)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const throttled = await list(emulator);
    expect(throttled.json).toEqual({
      error_code: "APIGW.0308",
      error_msg: expect.stringMatching(/^The throttling threshold has been reached/),
      request_id: throttled.headers["x-request-id"],
    });
    expect(throttled.headers["retry-after"]).toBeUndefined();
    // Another API has its own bucket.
    expect((await signedSend(emulator, { method: "GET", path: `${base(emulator)}/x.jar` })).status).toBe(404);
    clock += 200; // one token back at 5/s
    expect((await list(emulator)).status).toBe(200);
    expect((await list(emulator)).status).toBe(429);
  });

  test("the default is 200 requests/s; retryAfterSeconds adds Retry-After", async () => {
    const fresh = await startEmulator({ now: () => clock, retryAfterSeconds: 2 });
    try {
      const statuses = await Promise.all(Array.from({ length: 201 }, () => list(fresh).then((r) => r.status)));
      expect(statuses.filter((s) => s === 200)).toHaveLength(200);
      const limited = await list(fresh);
      expect([limited.status, limited.headers["retry-after"]]).toEqual([429, "2"]);
    } finally {
      await fresh.close();
    }
  });
});

describe("throttling: authenticate first, then a bucket per caller (issue 11 §4)", () => {
  const clock = Date.now();
  const OTHER = { accessKey: "SECONDCALLERAK000001", secretKey: "second-caller-sk-0000000000000000000000" };
  let emulator: RunningEmulator;
  beforeEach(async () => {
    emulator = await startEmulator({ now: () => clock, throttlePerSecond: 5, credentials: [OTHER] });
  });
  afterEach(() => emulator.close());

  test("unsigned and badly signed requests get 401 and spend no token of a legitimate caller", async () => {
    // GIVEN 12 unsigned and 3 wrongly signed requests against a 5/s bucket (the clock stands still)
    const garbage = [];
    for (let i = 0; i < 12; i++) garbage.push((await send(emulator.url, { method: "GET", path: base(emulator) })).status);
    for (let i = 0; i < 3; i++) garbage.push((await signedSend(emulator, { method: "GET", path: base(emulator) }, { ...OTHER, secretKey: "wrong" })).status);
    // THEN every one is refused as unauthenticated, never throttled
    expect(garbage).toEqual(Array(15).fill(401));
    // AND the legitimate caller still has its whole bucket: 5 × 200, then 429
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await list(emulator)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  test("wrong passwords on POST /v3/auth/tokens get 401 and spend no bucket of the user who knows it", async () => {
    const token = (password: string) =>
      send(emulator.url, json("POST", "/v3/auth/tokens", { auth: { identity: { methods: ["password"], password: { user: { name: "dli-local", password } } }, scope: { project: { name: emulator.env.HW_REGION_NAME } } } }));
    // GIVEN 12 wrong passwords for a known user against a 5/s bucket (the clock stands still)
    const garbage = [];
    for (let i = 0; i < 12; i++) garbage.push((await token("guess")).status);
    expect(garbage).toEqual(Array(12).fill(401));
    // THEN the user with the right password still has its whole bucket: 5 × 201, then 429
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await token("dli-local-password")).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  test("each caller has its own bucket, and the request log names the caller", async () => {
    for (let i = 0; i < 5; i++) expect((await list(emulator)).status).toBe(200);
    expect((await list(emulator)).status).toBe(429);
    // a second AK is not throttled by the first one's traffic
    expect((await signedSend(emulator, { method: "GET", path: base(emulator) }, OTHER)).status).toBe(200);
    const callers = emulator.requests().map((r) => `${r.caller} ${r.status}`);
    expect(callers.slice(-3)).toEqual([`${emulator.env.HW_ACCESS_KEY} 200`, `${emulator.env.HW_ACCESS_KEY} 429`, `${OTHER.accessKey} 200`]);
  });
});

describe("fault injection, seeded", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ throttlePerSecond: 0 });
  });
  afterAll(() => emulator.close());
  afterEach(() => emulator.configure({ faults: {} }));

  test.each([
    ["rate429", 429, "APIGW.0308"],
    ["rate500", 500, "DLI.0999"],
    ["rate503", 503, "DLI.0999"],
  ])("%s: 1 answers every request %d %s, logged with its fault", async (rate, status, code) => {
    emulator.clearRequests();
    emulator.configure({ faults: { [rate]: 1 } });
    const reply = await list(emulator);
    expect([reply.status, reply.json.error_code]).toEqual([status, code]);
    expect(emulator.requests()).toEqual([expect.objectContaining({ status, fault: String(status) })]);
  });

  test("rateDrop: 1 closes the connection without an answer", async () => {
    emulator.clearRequests();
    emulator.configure({ faults: { rateDrop: 1 } });
    await expect(list(emulator)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/) });
    expect(emulator.requests()).toEqual([expect.objectContaining({ status: 0, fault: "drop" })]);
  });

  test("the same seed gives the same fault sequence; another seed another one", async () => {
    const run = async (seed: number) => {
      emulator.configure({ faults: { seed, rate429: 0.2, rate500: 0.2, rate503: 0.2 } });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await list(emulator)).status);
      return statuses;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(await run(43)).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 429, 500, 503]));
  });

  test("per-route overrides: only uploads fail", async () => {
    emulator.configure({ faults: { routes: { UploadFileJobResources: { rate503: 1 } } } });
    expect((await signedSend(emulator, json("POST", `${base(emulator)}/files`, { paths: [obs("a")], group: "g" }))).status).toBe(503);
    expect((await list(emulator)).status).toBe(200);
    emulator.configure({ faults: { routes: { GET: { rate500: 1 } } } });
    expect((await list(emulator)).status).toBe(500);
  });

  test("fixed latency delays the answer; random latency stays in its range", async () => {
    emulator.configure({ faults: { latencyMs: 120 } });
    let started = performance.now();
    expect((await list(emulator)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    emulator.configure({ faults: { seed: 3, latencyMs: { min: 20, max: 60 } } });
    for (let i = 0; i < 3; i++) {
      started = performance.now();
      await list(emulator);
      const took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(18);
      expect(took).toBeLessThan(500);
    }
  });

  test("invalid fault options are refused with the reason", () => {
    expect(() => emulator.configure({ faults: { rate429: 0.7, rate500: 0.7 } })).toThrow(/sum must be ≤ 1/);
    expect(() => emulator.configure({ faults: { rate503: 2 } })).toThrow(/between 0 and 1/);
  });
});

describe("request log and control routes", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  test("requests() lists method, path, query, status, duration, time and API; control calls are not logged", async () => {
    emulator.clearRequests();
    await signedSend(emulator, json("POST", `${base(emulator)}/files`, { paths: [obs("a.csv")], group: "g" }));
    await signedSend(emulator, { method: "GET", path: `${base(emulator)}?kind=file` });
    await send(emulator.url, { method: "GET", path: "/__emulator/requests" });
    expect(emulator.requests()).toEqual([
      expect.objectContaining({ method: "POST", path: `${base(emulator)}/files`, query: "", status: 201, api: "UploadFileJobResources" }),
      expect.objectContaining({ method: "GET", path: base(emulator), query: "kind=file", status: 200, api: "ListJobResources" }),
    ]);
    const [entry] = emulator.requests();
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  test("GET/DELETE /__emulator/requests, GET state, PUT config, POST reset", async () => {
    emulator.reset();
    await signedSend(emulator, json("POST", `${base(emulator)}/files`, { paths: [obs("a.csv")], group: "g" }));
    const logged = await send(emulator.url, { method: "GET", path: "/__emulator/requests" });
    expect(logged.json.requests).toHaveLength(1);
    expect((await send(emulator.url, { method: "DELETE", path: "/__emulator/requests" })).status).toBe(204);
    expect(emulator.requests()).toEqual([]);

    const state = await send(emulator.url, { method: "GET", path: "/__emulator/state" });
    expect(state.json.groups).toEqual([expect.objectContaining({ group: "g", packages: [expect.objectContaining({ name: "a.csv", status: "READY" })] })]);

    const config = await send(emulator.url, json("PUT", "/__emulator/config", { uploadSemantics: "merge", failPaths: ["x", { regexp: "\\.bad$", flags: "i" }] }));
    expect(config.status).toBe(200);
    expect(config.json).toMatchObject({ uploadSemantics: "merge", failPaths: ["x", { regexp: "\\.bad$", flags: "i" }] });
    const merged = await signedSend(emulator, json("POST", `${base(emulator)}/files`, { paths: [obs("b.BAD")], group: "g" }));
    expect(merged.json.resources).toEqual(["a.csv", "b.BAD"]);
    expect(merged.json.status).toBe("FAILED");

    const refused = await send(emulator.url, json("PUT", "/__emulator/config", { uploadSemantics: "sometimes" }));
    expect([refused.status, refused.json.error_code]).toEqual([400, "DLI.0001"]);
    expect(refused.json.error_msg).toMatch(/uploadSemantics/);
    const notRuntime = await send(emulator.url, json("PUT", "/__emulator/config", { port: 1 }));
    expect(notRuntime.status).toBe(400);

    expect((await send(emulator.url, { method: "POST", path: "/__emulator/reset" })).status).toBe(204);
    expect(emulator.groups()).toEqual([]);
    expect((await send(emulator.url, { method: "GET", path: "/__emulator/nope" })).status).toBe(404);
    await send(emulator.url, json("PUT", "/__emulator/config", { uploadSemantics: "overwrite", failPaths: [] }));
  });
});

describe("state file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "dli-local-state-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("state survives a restart: written after each change, loaded at start", async () => {
    const stateFile = join(dir, "state.json");
    const first = await startEmulator({ stateFile, readyDelayMs: 60_000 });
    await signedSend(first, json("POST", `${base(first)}/jars`, { paths: [obs("a.jar"), obs("b.jar")], group: "udfs" }));
    await signedSend(first, { method: "DELETE", path: `${base(first)}/b.jar?group=udfs` });
    await first.close();
    expect(JSON.parse(readFileSync(stateFile, "utf8")).version).toBe(1);
    expect(readdirSync(dir)).toEqual(["state.json"]); // no temp files left behind

    const second = await startEmulator({ stateFile });
    try {
      expect(second.groups()).toEqual([expect.objectContaining({ group: "udfs", packages: [expect.objectContaining({ name: "a.jar", kind: "jar", status: "UPLOADING" })] })]);
      const shown = await signedSend(second, { method: "GET", path: `${base(second)}/a.jar?group=udfs` });
      expect(shown.json.status).toBe("UPLOADING");
    } finally {
      await second.close();
    }
  });

  test("a missing file starts empty and is created on the first change only", async () => {
    const stateFile = join(dir, "new.json");
    const emulator = await startEmulator({ stateFile });
    expect(existsSync(stateFile)).toBe(false);
    await signedSend(emulator, json("POST", `${base(emulator)}/files`, { paths: [obs("a")], group: "g" }));
    await emulator.close();
    expect(existsSync(stateFile)).toBe(true);
  });

  test.each([
    ["not JSON", "{ this is not json"],
    ["the wrong shape", JSON.stringify({ version: 1, projects: { p: [{ name: "g" }] } })],
    ["another version", JSON.stringify({ version: 9, projects: {} })],
  ])("a corrupt file (%s) is reported and left untouched", async (_name, content) => {
    const stateFile = join(dir, "state.json");
    writeFileSync(stateFile, content);
    const started = startEmulator({ stateFile });
    await expect(started).rejects.toBeInstanceOf(StateFileError);
    await expect(started).rejects.toThrow(/state file .*state\.json is corrupt .*left untouched/);
    expect(readFileSync(stateFile, "utf8")).toBe(content);
  });
});
