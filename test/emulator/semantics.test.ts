/**
 * Group semantics (dli-api.md §1.1, §1.5, §1.7): overwrite (documented) vs merge, async
 * UPLOADING → READY with an injected clock, missing objects → FAILED, atomic concurrent uploads.
 */
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { json, obs, signedSend } from "./support/client";

let clock = Date.now();
let emulator: RunningEmulator;
let base: string;
const upload = (group: string, keys: string[], kindPath = "/files") =>
  signedSend(emulator, json("POST", `${base}${kindPath}`, { paths: keys.map(obs), group }), undefined, new Date(clock));
const live = (group: string) =>
  emulator
    .groups()
    .find((g) => g.group === group)
    ?.packages.map((p) => `${p.name}:${p.status}`);

beforeAll(async () => {
  emulator = await startEmulator({ now: () => clock, throttlePerSecond: 0 });
  base = `/v2.0/${emulator.env.HW_PROJECT_ID}/resources`;
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.configure({ uploadSemantics: "overwrite", readyDelayMs: 0, failPaths: [], missingObjects: "failed" });
});

describe("same-name group upload", () => {
  test("overwrite (default): the new upload replaces the whole group", async () => {
    await upload("g", ["a.jar", "b.jar"]);
    const reply = await upload("g", ["b.jar", "c.jar"]);
    expect(reply.json.resources).toEqual(["b.jar", "c.jar"]);
    expect(live("g")).toEqual(["b.jar:READY", "c.jar:READY"]);
  });

  test("overwrite keeps the group's create_time and moves update_time", async () => {
    const first = await upload("g", ["a.jar"]);
    clock += 5000;
    const second = await upload("g", ["b.jar"]);
    expect(second.json.create_time).toBe(first.json.create_time);
    expect(second.json.update_time).toBe(first.json.update_time + 5000);
  });

  test("merge: the named packages are added or replaced, the others stay", async () => {
    emulator.configure({ uploadSemantics: "merge" });
    await upload("g", ["a.jar", "b.jar"]);
    const reply = await upload("g", ["b.jar", "c.jar"]);
    expect(reply.json.resources).toEqual(["a.jar", "b.jar", "c.jar"]);
    expect(live("g")).toEqual(["a.jar:READY", "b.jar:READY", "c.jar:READY"]);
  });

  test("merge replaces a same-name package's path", async () => {
    emulator.configure({ uploadSemantics: "merge" });
    await upload("g", ["v1/a.jar"]);
    await upload("g", ["v2/a.jar"]);
    expect(emulator.groups()[0].packages).toEqual([expect.objectContaining({ name: "a.jar", path: obs("v2/a.jar") })]);
  });
});

describe("async uploads (readyDelayMs)", () => {
  test("0 (default): READY in the 201 answer", async () => {
    expect((await upload("g", ["a.jar"])).json.status).toBe("READY");
  });

  test(">0: UPLOADING in the answer and on GET until the delay passes, then READY", async () => {
    emulator.configure({ readyDelayMs: 2000 });
    const reply = await upload("g", ["a.jar"]);
    expect([reply.json.status, reply.json.details[0].status]).toEqual(["UPLOADING", "UPLOADING"]);
    const show = () => signedSend(emulator, { method: "GET", path: `${base}/a.jar?group=g` }, undefined, new Date(clock));
    expect((await show()).json.status).toBe("UPLOADING");
    clock += 1999;
    expect((await show()).json.status).toBe("UPLOADING");
    clock += 1;
    expect((await show()).json.status).toBe("READY");
    expect(live("g")).toEqual(["a.jar:READY"]);
  });
});

describe("missing objects (failPaths)", () => {
  test("a matching path ends FAILED (substring and RegExp); the others READY", async () => {
    emulator.configure({ failPaths: ["missing", /\.broken$/] });
    const reply = await upload("g", ["ok.jar", "missing.jar", "x.broken"]);
    expect(reply.status).toBe(201);
    expect(reply.json.status).toBe("FAILED");
    expect(live("g")).toEqual(["ok.jar:READY", "missing.jar:FAILED", "x.broken:FAILED"]);
  });

  test("with a delay: UPLOADING first, then FAILED", async () => {
    emulator.configure({ failPaths: ["missing"], readyDelayMs: 1000 });
    await upload("g", ["missing.jar"]);
    expect(live("g")).toEqual(["missing.jar:UPLOADING"]);
    clock += 1000;
    expect(live("g")).toEqual(["missing.jar:FAILED"]);
    const list = await signedSend(emulator, { method: "GET", path: base }, undefined, new Date(clock));
    expect(list.json.groups[0]).toMatchObject({ status: "FAILED", details: [{ status: "FAILED" }] });
  });

  test("missingObjects: error refuses the upload with 400 DLI.0011 (the unverified alternative)", async () => {
    emulator.configure({ failPaths: ["missing"], missingObjects: "error" });
    const reply = await upload("g", ["ok.jar", "missing.jar"]);
    expect([reply.status, reply.json.error_code]).toEqual([400, "DLI.0011"]);
    expect(reply.json.error_msg).toContain(obs("missing.jar"));
    expect(emulator.groups()).toEqual([]);
  });

  test("lifting the failure and re-uploading converges to READY", async () => {
    emulator.configure({ failPaths: ["missing"] });
    await upload("g", ["missing.jar"]);
    emulator.configure({ failPaths: [] });
    await upload("g", ["missing.jar"]);
    expect(live("g")).toEqual(["missing.jar:READY"]);
  });
});

describe("atomic group uploads", () => {
  test("40 concurrent uploads of different sets to one group leave exactly one set, never a mixture", async () => {
    const sets = Array.from({ length: 40 }, (_, i) => Array.from({ length: 1 + (i % 5) }, (_, j) => `set${i}-pkg${j}.jar`));
    const replies = await Promise.all(sets.map((keys) => upload("shared", keys)));
    expect(replies.every((r) => r.status === 201)).toBe(true);
    const names = emulator.groups().find((g) => g.group === "shared")!.packages.map((p) => p.name);
    expect(sets.map((s) => s.join(","))).toContain(names.join(","));
    // Every answer showed a whole set too.
    for (const [i, reply] of replies.entries()) expect(reply.json.resources).toEqual(sets[i]);
  });

  test("concurrent uploads with merge end with the union", async () => {
    emulator.configure({ uploadSemantics: "merge" });
    await Promise.all(Array.from({ length: 20 }, (_, i) => upload("m", [`p${i}.jar`])));
    expect(live("m")!.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}.jar:READY`).sort());
  });
});
