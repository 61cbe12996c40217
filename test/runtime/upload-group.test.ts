/**
 * upload-group end to end: the bundled CLI as a child process against the emulator over HTTP.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RunningEmulator } from "../../lib/emulator";
import { fullEnv, groupsOf, OBS, runCli, startTestEmulator } from "./support/run-cli";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.configure({ uploadSemantics: "overwrite", readyDelayMs: 0, failPaths: [], faults: {} });
});

const UPLOAD_API = { file: "UploadFileJobResources", jar: "UploadJarJobResources", pyFile: "UploadPythonFileJobResources", modelFile: "UploadJobResources" } as const;
const NAMES = { file: ["a.csv", "b.txt"], jar: ["a.jar", "b.jar"], pyFile: ["a.py", "b.zip"], modelFile: ["model.bin", "weights.pt"] } as const;

describe.each(Object.keys(UPLOAD_API) as (keyof typeof UPLOAD_API)[])("kind %s", (kind) => {
  test("uploads through the kind's endpoint, ends READY and prints one line per step", async () => {
    // GIVEN a spec of two packages WHEN upload-group runs
    const result = await runCli(["upload-group"], fullEnv(emulator, { kind, group: `g-${kind}`, paths: NAMES[kind].map(OBS) }));
    // THEN it exits 0, the group holds exactly those packages, READY
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(groupsOf(emulator)).toEqual({ [`g-${kind}`]: NAMES[kind].map((n) => `${n}:READY`).sort() });
    const posts = emulator.requests().filter((r) => r.method === "POST");
    expect(posts.map((r) => r.api)).toEqual([UPLOAD_API[kind]]);
    expect(result.stderr).toMatch(new RegExp(`^dli-packages: \\[\\d+\\.\\ds\\] upload-group ${kind} group=g-${kind}: upload sent \\(2 packages\\)$`, "m"));
    expect(result.stderr).toMatch(/: 2\/2 READY$/m);
    expect(result.stderr).toMatch(/: converged \(deleted 0\)$/m);
    expect(result.stderr).toMatch(/: done: group g-\w+ = /m);
    // a synchronous upload needs two calls: the upload answer already says READY, then one
    // read verifies the group after the last write
    expect(emulator.requests().map((r) => r.api)).toEqual([UPLOAD_API[kind], "ListJobResources"]);
  });
});

test("overwrite semantics: re-upload with fewer paths ends exact without deletes", async () => {
  const env = fullEnv(emulator, { paths: [OBS("a.jar"), OBS("b.jar"), OBS("c.jar")] });
  expect((await runCli(["upload-group"], env)).code).toBe(0);
  emulator.clearRequests();
  const result = await runCli(["upload-group"], fullEnv(emulator, { paths: [OBS("a.jar"), OBS("b.jar")] }));
  expect(result.code).toBe(0);
  expect(groupsOf(emulator)).toEqual({ gatk: ["a.jar:READY", "b.jar:READY"] });
  expect(emulator.requests().filter((r) => r.method === "DELETE")).toHaveLength(0);
  expect(result.stderr).toMatch(/converged \(deleted 0\)/);
});

test("merge semantics: re-upload with fewer paths deletes the extra package and ends exact", async () => {
  emulator.configure({ uploadSemantics: "merge" });
  expect((await runCli(["upload-group"], fullEnv(emulator, { paths: [OBS("a.jar"), OBS("b.jar"), OBS("c.jar")] }))).code).toBe(0);
  const result = await runCli(["upload-group"], fullEnv(emulator, { paths: [OBS("a.jar"), OBS("d.jar")] }));
  expect(result.code).toBe(0);
  expect(groupsOf(emulator)).toEqual({ gatk: ["a.jar:READY", "d.jar:READY"] });
  expect(result.stderr).toMatch(/converged \(deleted 2: b\.jar, c\.jar\)/);
});

test("async READY: waits with progress lines, then succeeds", async () => {
  emulator.configure({ readyDelayMs: 700 });
  const result = await runCli(["upload-group"], fullEnv(emulator));
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(/waiting… 0\/2 READY/);
  expect(groupsOf(emulator)).toEqual({ gatk: ["a.jar:READY", "b.jar:READY"] });
  // Each poll round shows one package; the project listing is read once when it is READY
  // (to converge), and once more to verify the group after the last write.
  const polls = emulator.requests().filter((r) => r.api === "ShowJobResource");
  expect(polls.length).toBeGreaterThanOrEqual(2);
  expect(polls.length).toBeLessThanOrEqual(5);
  expect(new Set(polls.map((r) => r.path.split("/").pop()))).toEqual(new Set(["a.jar"]));
  expect(emulator.requests().filter((r) => r.api === "ListJobResources")).toHaveLength(2);
});

test("the progress sample of docs/cli.md (2 packages READY after ~1.1 s) is what a run prints, API call count included", async () => {
  emulator.configure({ readyDelayMs: 1100 });
  const result = await runCli(["upload-group"], fullEnv(emulator));
  expect(result.code).toBe(0);
  // 1 upload, 3 polls (at 0.25, 0.63, 1.19 s), the listing once READY, the verifying read
  const page = readFileSync(join(__dirname, "..", "..", "docs", "cli.md"), "utf8");
  const sample = /^```\n(dli-packages: \[[\s\S]*?)^```$/m.exec(page)![1];
  const steps = (text: string) => text.split("\n").filter((l) => l.startsWith("dli-packages: [")).map((l) => l.replace(/^dli-packages: \[[0-9.]+s\] /, "").replace(/project \w+…? /, "project P "));
  expect(steps(result.stderr)).toEqual(steps(sample));
});

test("FAILED packages: exit 1 naming each failed package", async () => {
  emulator.configure({ failPaths: ["missing"], readyDelayMs: 200 });
  const result = await runCli(["upload-group"], fullEnv(emulator, { paths: [OBS("ok.jar"), OBS("missing-1.jar"), OBS("missing-2.jar")] }));
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/error: group gatk: 2 package\(s\) FAILED: missing-1\.jar, missing-2\.jar/);
});

test("not READY within the spec's timeout: exit 1 naming what is pending", async () => {
  emulator.configure({ readyDelayMs: 60_000 });
  const result = await runCli(["upload-group"], fullEnv(emulator, { waitTimeoutSeconds: 1 }));
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/not READY after 1s .*still waiting for a\.jar, b\.jar/);
  expect(result.ms).toBeLessThan(5000);
});
