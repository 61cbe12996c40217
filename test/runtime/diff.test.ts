/**
 * `diff <synth dir>` against dli-local: declared groups (content resources' triggers) vs live,
 * each drift a person can cause in the console (a package deleted, one added, the whole group
 * deleted, a group nobody declares), `--repair` of each, `--orphans [--prefix]`, and every
 * `--json` document validated against schemas/diff-report.schema.json.
 */
import Ajv from "ajv";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PackageGroupSpec, specToTriggers } from "../../lib/contract";
import { RunningEmulator } from "../../lib/emulator";
import { silentProgress } from "../../lib/runtime/progress";
import { openSession } from "../../lib/runtime/session";
import { fullEnv, groupsOf, OBS, runCli, startTestEmulator, jarSpec as spec } from "./support/run-cli";

const SCHEMA = JSON.parse(readFileSync(join(__dirname, "..", "..", "schemas", "diff-report.schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  emulator = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), "dli-diff-"));
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.reset();
  emulator.configure({ uploadSemantics: "overwrite", failPaths: [] });
});


/** What the constructs synthesize: a content resource whose triggers hold the spec strings. */
function synth(stack: string, specs: PackageGroupSpec[]): string {
  const resources: Record<string, unknown> = {};
  specs.forEach((s, i) => (resources[`group${i}_content`] = { triggers: specToTriggers(s) }));
  return writeStack(stack, resources);
}

/** A stack directory holding `{ resource: { null_resource: resources } }` as its cdk.tf.json. */
function writeStack(stack: string, resources: Record<string, unknown>): string {
  const stackDir = join(dir, "stacks", stack);
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify({ resource: { null_resource: resources } }));
  return stackDir;
}

/** Set up live groups the way the provisioner does. */
async function applied(group: string, names: string[]): Promise<void> {
  const result = await runCli(["upload-group"], fullEnv(emulator, { group, paths: names.map(OBS) }));
  expect(result.code).toBe(0);
}

/** What a person does in the DLI console: signed requests of their own. */
async function inConsole(action: (client: import("../../lib/runtime/dli-client").DliClient) => Promise<unknown>): Promise<void> {
  const session = await openSession({ region: "cn-north-4", env: { ...emulator.env }, progress: silentProgress });
  try {
    await action(session.client);
  } finally {
    await session.close();
  }
}

/** Run diff --json, check the document against the schema, return it. */
async function diffJson(stackDir: string, ...flags: string[]) {
  const result = await runCli(["diff", stackDir, "--json", ...flags], { ...emulator.env });
  const report = JSON.parse(result.stdout);
  if (!validate(report)) throw new Error(`diff --json does not match its schema: ${JSON.stringify(validate.errors)}\n${result.stdout}`);
  return { code: result.code, report, stderr: result.stderr };
}

test("in sync → exit 0; a missing, an extra and a missing group → exit 2 listing each", async () => {
  await applied("one", ["a.jar", "b.jar"]);
  const inSync = synth("in-sync", [spec("one", ["a.jar", "b.jar"])]);
  const env = { ...emulator.env };
  const ok = await runCli(["diff", inSync], env);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/^one \(jar, cn-north-4\) null_resource\.group0_content: in sync \(2 READY\)$/m);

  const drifted = synth("drifted", [spec("one", ["a.jar", "c.jar"]), spec("two", ["x.jar"])]);
  const result = await runCli(["diff", drifted], env);
  expect(result.code).toBe(2);
  expect(result.stdout).toMatch(/one .*DRIFT — missing: c\.jar; extra: b\.jar/);
  expect(result.stdout).toMatch(/two .*DRIFT — group missing \(declares 1 package\)/);
  expect(result.stdout).toMatch(/drift in 2 of 2 groups/);
});

test("a group with 45 undeclared packages: the human line lists 20 and says how many more; --json lists all 45", async () => {
  const extra = Array.from({ length: 45 }, (_, i) => `extra-${String(i).padStart(2, "0")}.jar`);
  await applied("crowded", ["a.jar", ...extra]);
  const stackDir = synth("crowded", [spec("crowded", ["a.jar"])]);

  const human = await runCli(["diff", stackDir], { ...emulator.env });
  expect(human.code).toBe(2);
  const line = human.stdout.split("\n").find((l) => l.startsWith("crowded "))!;
  expect(line).toMatch(/DRIFT — extra: extra-00\.jar, .*extra-19\.jar, … and 25 more$/);
  expect(line).not.toMatch(/extra-20\.jar/);

  const { report } = await diffJson(stackDir);
  expect(report.groups[0].extra).toEqual(extra);
});

test("--json in sync: one schema-valid document, state in-sync, null for the modes not asked for", async () => {
  await applied("one", ["a.jar", "b.jar"]);
  const { code, report } = await diffJson(synth("json-in-sync", [spec("one", ["a.jar", "b.jar"])]));
  expect(code).toBe(0);
  expect(report).toEqual({
    schemaVersion: 1,
    groups: [
      {
        stackFile: expect.stringMatching(/stacks\/json-in-sync\/cdk\.tf\.json$/),
        resource: "null_resource.group0_content",
        group: "one",
        kind: "jar",
        region: "cn-north-4",
        projectId: emulator.env.HW_PROJECT_ID,
        state: "in-sync",
        missing: [],
        extra: [],
        notReady: [],
        repair: null,
      },
    ],
    orphans: null,
    totals: { groups: 1, inSync: 1, drift: 0, missing: 0, repaired: null, repairFailed: null, orphans: null },
  });
  // The schema is not vacuous: an unknown key, a missing key or an unknown state fail it.
  expect(validate({ ...report, extra: 1 })).toBe(false);
  expect(validate({ ...report, totals: { ...report.totals, orphans: undefined } })).toBe(false);
  expect(validate({ ...report, groups: [{ ...report.groups[0], state: "unknown" }] })).toBe(false);
});

test("a package deleted in the console (signed DELETE): drift with missing; --repair re-uploads it and the next diff is clean", async () => {
  await applied("gatk", ["a.jar", "b.jar"]);
  await inConsole((c) => c.deletePackage("b.jar", "gatk"));
  const stack = synth("deleted-package", [spec("gatk", ["a.jar", "b.jar"])]);

  const human = await runCli(["diff", stack], { ...emulator.env });
  expect(human.code).toBe(2);
  expect(human.stdout).toMatch(/^gatk \(jar, cn-north-4\) null_resource\.group0_content: DRIFT — missing: b\.jar$/m);
  const found = await diffJson(stack);
  expect(found.code).toBe(2);
  expect(found.report.groups[0]).toMatchObject({ state: "drift", missing: ["b.jar"], extra: [], notReady: [], repair: null });

  const repaired = await diffJson(stack, "--repair");
  expect(repaired.code).toBe(0);
  expect(repaired.report.groups[0]).toMatchObject({ state: "drift", missing: ["b.jar"], repair: { result: "repaired", deleted: [], error: null } });
  expect(repaired.report.totals).toMatchObject({ drift: 1, repaired: 1, repairFailed: 0 });
  // upload-group's own progress lines, on stderr
  expect(repaired.stderr).toMatch(/diff --repair jar group=gatk: upload sent \(2 packages\)/);
  expect(groupsOf(emulator)).toEqual({ gatk: ["a.jar:READY", "b.jar:READY"] });
  expect((await runCli(["diff", stack], { ...emulator.env })).code).toBe(0);
});

test("an extra package added in the console (merging upload): drift with extra; --repair deletes it", async () => {
  emulator.configure({ uploadSemantics: "merge" });
  await applied("gatk", ["a.jar", "b.jar"]);
  await inConsole((c) => c.uploadGroup("jar", "gatk", [OBS("added.jar")]));
  const stack = synth("extra-package", [spec("gatk", ["a.jar", "b.jar"])]);

  const found = await diffJson(stack);
  expect(found.code).toBe(2);
  expect(found.report.groups[0]).toMatchObject({ state: "drift", missing: [], extra: ["added.jar"] });

  const human = await runCli(["diff", stack, "--repair"], { ...emulator.env });
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/^gatk .*DRIFT — extra: added\.jar → repaired \(uploaded, deleted added\.jar, verified\)$/m);
  expect(human.stdout).toMatch(/^drift in 1 of 1 group · repaired 1$/m);
  expect(groupsOf(emulator)).toEqual({ gatk: ["a.jar:READY", "b.jar:READY"] });
});

test("a whole group deleted in the console: state missing; --repair re-creates it; groups in sync are not touched", async () => {
  await applied("gone", ["a.jar"]);
  await applied("kept", ["k.jar"]);
  await inConsole((c) => c.deletePackage("a.jar", "gone"));
  const stack = synth("deleted-group", [spec("gone", ["a.jar"]), spec("kept", ["k.jar"])]);

  const found = await diffJson(stack);
  expect(found.code).toBe(2);
  expect(found.report.groups.map((g: { group: string; state: string }) => `${g.group}:${g.state}`)).toEqual(["gone:missing", "kept:in-sync"]);
  expect(found.report.groups[0].missing).toEqual(["a.jar"]);

  emulator.clearRequests();
  const repaired = await diffJson(stack, "--repair");
  expect(repaired.code).toBe(0);
  expect(repaired.report.groups[1].repair).toBeNull();
  // Nothing else is touched: the one upload is gone's.
  const writes = emulator.requests().filter((r) => r.method !== "GET");
  expect(writes.map((r) => `${r.method} ${r.api}`)).toEqual(["POST UploadJarJobResources"]);
  expect(groupsOf(emulator)).toEqual({ gone: ["a.jar:READY"], kept: ["k.jar:READY"] });
});

test("a group left live but empty (its packages deleted, DLI keeping the group): state missing, like an absent group, with how many it declares", async () => {
  emulator.configure({ keepEmptyGroups: true });
  try {
    await applied("emptied", ["a.jar", "b.jar"]);
    await inConsole(async (c) => {
      await c.deletePackage("a.jar", "emptied");
      await c.deletePackage("b.jar", "emptied");
    });
    expect(emulator.groups().find((g) => g.group === "emptied")?.packages).toEqual([]);
    const stack = synth("emptied", [spec("emptied", ["a.jar", "b.jar"])]);

    const human = await runCli(["diff", stack], { ...emulator.env });
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/^emptied \(jar, cn-north-4\) null_resource\.group0_content: DRIFT — group missing \(declares 2 packages\)$/m);
    const found = await diffJson(stack);
    expect(found.report.groups[0]).toMatchObject({ state: "missing", missing: ["a.jar", "b.jar"], extra: [], notReady: [] });
    expect(found.report.totals).toMatchObject({ drift: 0, missing: 1 });
  } finally {
    emulator.configure({ keepEmptyGroups: false });
  }
});

test("a declared package that is live but not READY (FAILED after a console upload): drift naming it with its status", async () => {
  emulator.configure({ uploadSemantics: "merge", failPaths: ["broken.jar"] });
  await applied("gatk", ["a.jar"]);
  await inConsole((c) => c.uploadGroup("jar", "gatk", [OBS("broken.jar")]));
  const stack = synth("not-ready", [spec("gatk", ["a.jar", "broken.jar"])]);

  const human = await runCli(["diff", stack], { ...emulator.env });
  expect(human.code).toBe(2);
  expect(human.stdout).toMatch(/^gatk \(jar, cn-north-4\) null_resource\.group0_content: DRIFT — not READY: broken\.jar \(FAILED\)$/m);
  const found = await diffJson(stack);
  expect(found.report.groups[0]).toMatchObject({ state: "drift", missing: [], extra: [], notReady: ["broken.jar"] });
});

test("--repair that cannot succeed (the object is missing, package FAILED): exit 1 with the error in the report", async () => {
  emulator.configure({ failPaths: ["broken.jar"] });
  const stack = synth("repair-fails", [spec("broken", ["broken.jar"])]);
  const { code, report } = await diffJson(stack, "--repair");
  expect(code).toBe(1);
  expect(report.groups[0].repair).toEqual({ result: "failed", deleted: [], error: expect.stringMatching(/group broken: 1 package\(s\) FAILED: broken\.jar/) });
  expect(report.totals).toMatchObject({ missing: 1, repaired: 0, repairFailed: 1 });
});

test("--orphans lists live groups no scanned stack declares, with the delete command; --prefix narrows them; the command works", async () => {
  await applied("team-a-app", ["a.jar"]);
  await applied("team-a-old", ["old.jar", "older.jar"]);
  await applied("team-b-tool", ["t.jar"]);
  const stack = synth("orphans", [spec("team-a-app", ["a.jar"])]);
  const project = emulator.env.HW_PROJECT_ID;

  const all = await runCli(["diff", stack, "--orphans"], { ...emulator.env });
  expect(all.code).toBe(2);
  expect(all.stdout).toMatch(/^team-a-app .*in sync/m);
  expect(all.stdout).toMatch(/^2 orphaned groups \(live, declared by no scanned stack; diff never deletes them\):$/m);
  expect(all.stdout).toContain(`  team-a-old (cn-north-4, project ${project}): 2 packages: old.jar, older.jar\n`);
  expect(all.stdout).toContain(`    delete with: dli-packages delete-group --group team-a-old --region cn-north-4 --project-id ${project} --kind jar\n`);
  expect(all.stdout).toMatch(/team-b-tool/);

  const mine = await diffJson(stack, "--orphans", "--prefix", "team-a-");
  expect(mine.code).toBe(2);
  expect(mine.report.orphans).toEqual([
    {
      group: "team-a-old",
      region: "cn-north-4",
      projectId: project,
      packages: [
        { name: "old.jar", kind: "jar", status: "READY" },
        { name: "older.jar", kind: "jar", status: "READY" },
      ],
      deleteCommand: `dli-packages delete-group --group team-a-old --region cn-north-4 --project-id ${project} --kind jar`,
    },
  ]);
  expect(mine.report.totals.orphans).toBe(1);
  expect(groupsOf(emulator)).toHaveProperty("team-a-old"); // reported, never deleted

  // The printed command, as a person runs it in CI (no terminal: --yes).
  const [, ...args] = mine.report.orphans[0].deleteCommand.split(" ");
  const removed = await runCli([...args, "--yes"], { ...emulator.env });
  expect(removed.code).toBe(0);
  expect(groupsOf(emulator)).not.toHaveProperty("team-a-old");
  const clean = await runCli(["diff", stack, "--orphans", "--prefix", "team-a-"], { ...emulator.env });
  expect(clean.code).toBe(0);
  expect(clean.stdout).toMatch(/^no orphaned groups starting with "team-a-"$/m);
});

test("--prefix without --orphans is a usage error, before any request", async () => {
  const stack = synth("prefix-alone", [spec("one", ["a.jar"])]);
  emulator.clearRequests();
  const result = await runCli(["diff", stack, "--prefix", "team-a-"], { ...emulator.env });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--prefix narrows the orphan report; add --orphans/);
  expect(emulator.requests()).toEqual([]);
});

test("--json without credentials: exit 2 with nothing on stdout (how the PR workflow of docs/drift.md tells it from drift), no request", async () => {
  const stack = synth("no-credentials", [spec("one", ["a.jar"])]);
  emulator.clearRequests();
  const result = await runCli(["diff", stack, "--json"], { ...emulator.env, HW_ACCESS_KEY: undefined, HW_SECRET_KEY: undefined });
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: "" });
  expect(result.stderr).toMatch(/no credentials: set HW_ACCESS_KEY and HW_SECRET_KEY/);
  expect(emulator.requests()).toEqual([]);
  // the workflow step of docs/drift.md: drift (exit 2) passes only with a report on stdout
  const page = readFileSync(join(__dirname, "..", "..", "docs", "drift.md"), "utf8");
  expect(page).toContain("--json > dli-diff.json || test $? -eq 2 -a -s dli-diff.json");
});

test("the example --json document of docs/drift.md matches the schema", () => {
  const page = readFileSync(join(__dirname, "..", "..", "docs", "drift.md"), "utf8");
  const example = /^ *```json\n([\s\S]*?)^ *```$/m.exec(page.slice(page.indexOf("**`--json`**")));
  expect(example).not.toBeNull();
  const document = JSON.parse(example![1]);
  expect(validate(document) ? [] : validate.errors).toEqual([]);
});

test("a directory without synthesized groups is a usage error", async () => {
  const empty = mkdtempSync(join(tmpdir(), "dli-diff-empty-"));
  try {
    const result = await runCli(["diff", empty], { ...emulator.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no cdk\.tf\.json under/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("a declared trigger map the upload provisioner would refuse is refused the same way, named as in DLI_PACKAGES_SPEC, before any request", async () => {
  // What jsonencode(self.triggers) of these would give the provisioner: an unknown key, a
  // value that is not a string. diff reads the map with the provisioner's rules, not looser ones.
  const triggers = { ...specToTriggers(spec("odd", ["a.jar"])), wait_timeout_seconds: 60, colour: "blue" };
  const stackDir = writeStack("refused", { odd_content: { triggers } });
  emulator.clearRequests();
  const result = await runCli(["diff", stackDir], { ...emulator.env });
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/DLI_PACKAGES_SPEC\.wait_timeout_seconds/);
  expect(result.stderr).toMatch(/DLI_PACKAGES_SPEC: "colour" — an unknown key/);
  expect(result.stderr).toContain(`invalid package-group spec of null_resource.odd_content in ${join(stackDir, "cdk.tf.json")}`);
  expect(emulator.requests()).toEqual([]);
});
