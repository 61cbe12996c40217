/**
 * Two writers on one group (issue 11 §1): two real `dli-packages` processes against the
 * emulator at the same time, upload/upload and upload/delete, under both upload semantics.
 * DLI has no lock, so either outcome of a race is possible; what must hold whatever the
 * interleaving:
 *   1. a final group that matches no writer's spec is reported by a non-zero exit of at least
 *      one writer;
 *   2. the writer that finished last (its last request is the later one in the emulator's log),
 *      if it exited 0, left exactly its own result;
 *   3. a writer exits 0 only after printing "verified", and any failure is a one-line error.
 * Latency injection and an async READY delay widen the windows; the second process starts
 * after a staggered offset so that the races hit different interleavings. Several races run at
 * once, each on its own group with its own pair of access keys, so the request log tells the
 * writers apart.
 */
import { CredentialOptions, RunningEmulator } from "../../lib/emulator";
import { json, signedSend } from "../emulator/support/client";
import { addSecret, CliResult, fullEnv, OBS, runCli, startTestEmulator } from "./support/run-cli";

const RACES_PER_SCENARIO = 12;
const RACES_AT_ONCE = 4;
/** Offsets (ms) of the second writer's start, cycled through the races. */
const STAGGER_MS = [0, 40, 90, 150, 220, 900, 20, 300, 120, 60, 700, 10];

/** Two access keys per slot: slot k's writers sign with keys[k][0] and keys[k][1]. */
const KEYS: CredentialOptions[][] = Array.from({ length: RACES_AT_ONCE }, (_, slot) =>
  [0, 1].map((w) => ({ accessKey: `RACESLOT${slot}WRITER${w}AK00`, secretKey: `CANARY-race-sk-${slot}-${w}-do-not-print-0000000` })),
);
for (const key of KEYS.flat()) addSecret(key.secretKey);

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: KEYS.flat() });
});
afterAll(() => emulator.close());

interface Writer {
  readonly command: "upload-group" | "delete-group";
  /** Package names the writer declares (delete-group: none). */
  readonly names: readonly string[];
}

interface RaceOutcome {
  readonly final: readonly string[];
  readonly codes: readonly (number | null)[];
  readonly results: readonly CliResult[];
  /** Index (0/1) of the writer whose last request was answered last. */
  readonly lastWriter: number;
}

const exactly = (names: readonly string[]) => names.map((n) => `${n}:READY`).sort();

function finalState(group: string): string[] {
  const live = emulator.groups().find((g) => g.group === group);
  return (live?.packages ?? []).map((p) => `${p.name}:${p.status.toUpperCase()}`).sort();
}

/** The group as a previous apply left it: six packages neither writer declares. */
async function previousApply(group: string): Promise<void> {
  const paths = Array.from({ length: 6 }, (_, i) => OBS(`old-${i}.jar`));
  const reply = await signedSend(emulator, json("POST", `/v2.0/${emulator.env.HW_PROJECT_ID}/resources/jars`, { paths, group }));
  expect(reply.status).toBe(201);
}

async function race(slot: number, group: string, writers: readonly [Writer, Writer], staggerMs: number): Promise<RaceOutcome> {
  const keys = KEYS[slot];
  await previousApply(group);
  const run = (w: Writer, k: number) =>
    runCli([w.command], fullEnv(emulator, { group, paths: w.names.length > 0 ? w.names.map(OBS) : [OBS("unused.jar")], waitTimeoutSeconds: 2 }, { HW_ACCESS_KEY: keys[k].accessKey, HW_SECRET_KEY: keys[k].secretKey }));
  const first = run(writers[0], 0);
  await new Promise((resolve) => setTimeout(resolve, staggerMs));
  const results = await Promise.all([first, run(writers[1], 1)]);
  // This slot's keys are used by this race only, and the log keeps answer order.
  const ours = emulator.requests().filter((r) => r.caller === keys[0].accessKey || r.caller === keys[1].accessKey);
  const lastWriter = ours[ours.length - 1]?.caller === keys[1].accessKey ? 1 : 0;
  return { final: finalState(group), codes: results.map((r) => r.code), results, lastWriter };
}

/** Runs the scenario's races, RACES_AT_ONCE at a time, and checks the invariants of each. */
async function scenario(name: string, semantics: "overwrite" | "merge", readyDelayMs: number, writersOf: (i: number) => readonly [Writer, Writer]) {
  emulator.configure({ uploadSemantics: semantics, readyDelayMs, faults: { seed: 11, latencyMs: { min: 0, max: 40 } } });
  const outcomes: RaceOutcome[] = [];
  for (let batch = 0; batch < RACES_PER_SCENARIO; batch += RACES_AT_ONCE) {
    const slots = Array.from({ length: Math.min(RACES_AT_ONCE, RACES_PER_SCENARIO - batch) }, (_, slot) => slot);
    outcomes.push(
      ...(await Promise.all(slots.map((slot) => race(slot, `${name}-${semantics}-${batch + slot}`, writersOf(batch + slot), STAGGER_MS[(batch + slot) % STAGGER_MS.length])))),
    );
  }
  const tally = { bothOk: 0, oneFailed: 0, bothFailed: 0, matchesNoSpec: 0, lastWriterOk: 0 };
  outcomes.forEach((outcome, i) => {
    const writers = writersOf(i);
    const specs = writers.map((w) => exactly(w.names));
    const context = `race ${i}: final ${JSON.stringify(outcome.final)}, exits ${JSON.stringify(outcome.codes)}\n${outcome.results.map((r) => r.stderr).join("---\n")}`;
    // invariant 1: a group that matches no writer's spec is reported by a non-zero exit
    const matchesSome = specs.some((spec) => JSON.stringify(spec) === JSON.stringify(outcome.final));
    if (!matchesSome) {
      tally.matchesNoSpec++;
      expect({ context, someoneFailed: outcome.codes.some((c) => c !== 0) }).toEqual({ context, someoneFailed: true });
    }
    // invariant 2: the writer that finished last, if it exited 0, left exactly its own result
    if (outcome.codes[outcome.lastWriter] === 0) {
      tally.lastWriterOk++;
      expect({ context, final: outcome.final }).toEqual({ context, final: specs[outcome.lastWriter] });
    }
    // invariant 3: exit 0 only after a verifying read; failures are one bounded line
    outcome.results.forEach((result) => {
      expect([0, 1]).toContain(result.code);
      if (result.code === 0) expect(result.stderr).toMatch(/\(verified( gone)?\)/);
      else {
        const errors = result.stderr.split("\n").filter((line) => line.includes("error:"));
        expect(errors).toHaveLength(1);
        expect(errors[0].length).toBeLessThanOrEqual(2048);
      }
    });
    const failed = outcome.codes.filter((c) => c !== 0).length;
    if (failed === 0) tally.bothOk++;
    else if (failed === 1) tally.oneFailed++;
    else tally.bothFailed++;
  });
  // eslint-disable-next-line no-console
  console.log(`${name} ${semantics}: ${outcomes.length} races — both exit 0: ${tally.bothOk}, one exit 1: ${tally.oneFailed}, both exit 1: ${tally.bothFailed}; final group matching no spec: ${tally.matchesNoSpec} (each reported); last finisher exit 0 and exact: ${tally.lastWriterOk}`);
  return outcomes;
}

const UPLOAD_A: Writer = { command: "upload-group", names: ["a1.jar", "a2.jar", "shared.jar"] };
const UPLOAD_B: Writer = { command: "upload-group", names: ["b1.jar", "shared.jar"] };
const DELETE: Writer = { command: "delete-group", names: [] };

describe.each(["overwrite", "merge"] as const)("two writers, %s semantics", (semantics) => {
  test("upload-group vs upload-group with different paths: never a silent wrong answer", async () => {
    const outcomes = await scenario("up-up", semantics, 120, (i) => (i % 2 === 0 ? [UPLOAD_A, UPLOAD_B] : [UPLOAD_B, UPLOAD_A]));
    // the races really race: at least one of them is detected as a concurrent change
    expect(outcomes.some((o) => o.results.some((r) => /changed while it was being converged|not READY after/.test(r.stderr)))).toBe(true);
  }, 120_000);

  test("upload-group vs delete-group: delete-group exits 0 only when the group is gone", async () => {
    // synchronous READY: the upload is quick, so it can land inside delete-group's loop of DELETEs
    const outcomes = await scenario("up-del", semantics, 0, (i) => (i % 2 === 0 ? [UPLOAD_A, DELETE] : [DELETE, UPLOAD_A]));
    outcomes.forEach((o, i) => {
      const deleteIndex = i % 2 === 0 ? 1 : 0;
      if (o.codes[deleteIndex] === 0 && o.lastWriter === deleteIndex) expect(o.final).toEqual([]);
    });
  }, 120_000);

  test("an upload landing inside delete-group's DELETEs makes it exit 1 (deterministic: slow DELETEs)", async () => {
    // GIVEN a group of three packages and DELETEs that each take 300 ms
    emulator.configure({ uploadSemantics: semantics, readyDelayMs: 0, faults: { routes: { DeleteJobResource: { latencyMs: 300 } } } });
    const group = `inside-delete-${semantics}`;
    const project = emulator.env.HW_PROJECT_ID;
    expect((await signedSend(emulator, json("POST", `/v2.0/${project}/resources/jars`, { paths: ["x", "y", "z"].map((n) => OBS(`${n}.jar`)), group }))).status).toBe(201);
    emulator.clearRequests();
    // WHEN delete-group has listed the group and another writer uploads while its DELETEs run
    const deleting = runCli(["delete-group"], fullEnv(emulator, { group }));
    while (!emulator.requests().some((r) => r.api === "ListJobResources")) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await signedSend(emulator, json("POST", `/v2.0/${project}/resources/jars`, { paths: [OBS("intruder.jar")], group }))).status).toBe(201);
    const result = await deleting;
    // THEN the group is not gone, and delete-group says so instead of exiting 0
    expect(finalState(group)).toContain("intruder.jar:READY");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`error: group ${group} changed while it was being deleted: it holds intruder\\.jar again — .*one owner`));
  }, 30_000);

  test("an upload landing inside upload-group's converge makes it exit 1 (deterministic: slow DELETEs)", async () => {
    // GIVEN a group holding three undeclared packages, DELETEs that each take 300 ms, and a verifying
    // read answered 500 ms after it arrives (under overwrite there is nothing to delete: without it,
    // the window is one request long and a loaded machine loses the race)
    emulator.configure({
      uploadSemantics: semantics,
      readyDelayMs: 0,
      faults: { routes: { DeleteJobResource: { latencyMs: 300 }, ListJobResources: { latencyMs: 500 } } },
    });
    const group = `inside-converge-${semantics}`;
    const project = emulator.env.HW_PROJECT_ID;
    expect((await signedSend(emulator, json("POST", `/v2.0/${project}/resources/jars`, { paths: ["x", "y", "z"].map((n) => OBS(`${n}.jar`)), group }))).status).toBe(201);
    emulator.clearRequests();
    // WHEN another writer uploads once upload-group's own upload is in and its converge DELETEs run
    const uploading = runCli(["upload-group"], fullEnv(emulator, { group, paths: [OBS("a.jar")] }));
    while (!emulator.requests().some((r) => r.api === "UploadJarJobResources")) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await signedSend(emulator, json("POST", `/v2.0/${project}/resources/jars`, { paths: [OBS("intruder.jar")], group }))).status).toBe(201);
    const result = await uploading;
    // THEN the group is not upload-group's spec, and it says so instead of exiting 0
    expect(finalState(group)).toContain("intruder.jar:READY");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`error: group ${group} changed while it was being converged: extra intruder\\.jar.* — .*one owner`));
  }, 30_000);
});

test("a declared package re-uploaded inside upload-group's converge (merge: UPLOADING again) makes it exit 1 naming it not READY", async () => {
  // GIVEN a group holding three undeclared packages, merging uploads and DELETEs of 300 ms each
  emulator.configure({ uploadSemantics: "merge", readyDelayMs: 0, faults: { routes: { DeleteJobResource: { latencyMs: 300 }, ListJobResources: { latencyMs: 500 } } } });
  const group = "reuploaded-inside-converge";
  const project = emulator.env.HW_PROJECT_ID;
  expect((await signedSend(emulator, json("POST", `/v2.0/${project}/resources/jars`, { paths: ["x", "y", "z"].map((n) => OBS(`${n}.jar`)), group }))).status).toBe(201);
  emulator.clearRequests();
  try {
    // WHEN upload-group's own a.jar is READY and its converge DELETEs run, another writer uploads a.jar again (slowly)
    const uploading = runCli(["upload-group"], fullEnv(emulator, { group, paths: [OBS("a.jar")] }));
    while (!emulator.requests().some((r) => r.api === "DeleteJobResource")) await new Promise((resolve) => setTimeout(resolve, 5));
    emulator.configure({ readyDelayMs: 60_000 });
    expect((await signedSend(emulator, json("POST", `/v2.0/${project}/resources/jars`, { paths: [OBS("a.jar")], group }))).status).toBe(201);
    const result = await uploading;
    // THEN the declared package is not READY, and the line says so with its status
    expect(finalState(group)).toEqual(["a.jar:UPLOADING"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`error: group ${group} changed while it was being converged: not READY a\\.jar \\(UPLOADING\\) — .*one owner`));
  } finally {
    emulator.configure({ readyDelayMs: 0 });
  }
}, 30_000);
