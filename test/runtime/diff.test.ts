/** `diff <synth dir>`: declared groups (content resources' triggers) vs live; exit 2 on drift. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PackageGroupSpec, specToStrings, TRIGGER_KEYS, SPEC_FIELDS } from "../../lib/contract";
import { RunningEmulator } from "../../lib/emulator";
import { fullEnv, OBS, runCli, startTestEmulator } from "./support/run-cli";

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

const spec = (group: string, names: string[]): PackageGroupSpec => ({
  schemaVersion: "1",
  kind: "jar",
  group,
  paths: names.map(OBS),
  region: "cn-north-4",
  waitTimeoutSeconds: 60,
  removalPolicy: "destroy",
});

/** What the constructs synthesize: a content resource whose triggers hold the spec strings. */
function synth(stack: string, specs: PackageGroupSpec[]): string {
  const resources: Record<string, unknown> = {};
  specs.forEach((s, i) => {
    const strings = specToStrings(s);
    const triggers: Record<string, string> = {};
    for (const field of SPEC_FIELDS) triggers[TRIGGER_KEYS[field]] = strings[field];
    resources[`group${i}_content`] = { triggers };
  });
  const stackDir = join(dir, "stacks", stack);
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify({ resource: { null_resource: resources } }));
  return stackDir;
}

test("in sync → exit 0; a missing, an extra and a missing group → exit 2 listing each", async () => {
  emulator.reset();
  expect((await runCli(["upload-group"], fullEnv(emulator, { group: "one", paths: [OBS("a.jar"), OBS("b.jar")] }))).code).toBe(0);
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
