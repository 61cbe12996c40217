/**
 * upload-group with staged files refuses bad input before any request: one bounded line
 * naming the field or variable, exit 2, nothing sent (the emulator's request log stays empty),
 * nothing registered. The bundled CLI runs as a child process in the stack directory, as the
 * provisioner does.
 */
import { renameSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RunningEmulator } from "../../lib/emulator";
import { MAX_LINE_CHARS } from "../../lib/contract/bounded-text";
import { CliResult, runCli, startTestEmulator } from "./support/run-cli";
import { makeStack, randomFile, stagingEnv } from "./support/staging";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** Exactly one stderr line, bounded, exit 2, and no request reached the emulator. */
function expectRefusedBeforeAnyRequest(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.split("\n").filter((l) => l !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0].length).toBeLessThanOrEqual(MAX_LINE_CHARS + 40);
  expect(result.code).toBe(2);
  expect(emulator.requests()).toEqual([]);
  expect(emulator.groups()).toEqual([]);
}

test("a file whose size changed since synth is refused before any request", async () => {
  // GIVEN a stack whose file grew after synth recorded its size
  const stack = makeStack([randomFile("etl.jar", 3000)]);
  writeFileSync(join(stack.dir, stack.files[0].source), Buffer.alloc(3001));
  // WHEN upload-group runs in the stack directory
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files), { cwd: stack.dir });
  // THEN one line names the field and says the file changed since synth
  expectRefusedBeforeAnyRequest(result, /files\[0\]\.source: "assets\/DliPackagesFile-etl\.jar\/[0-9a-f]{64}\/etl\.jar" changed since synth: it has 3001 bytes, the spec records 3000; .*run synth again/);
});

test("a file whose content changed since synth (same size) is refused before any request", async () => {
  const stack = makeStack([randomFile("etl.jar", 3000)]);
  writeFileSync(join(stack.dir, stack.files[0].source), Buffer.alloc(3000, 1));
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files), { cwd: stack.dir });
  expectRefusedBeforeAnyRequest(result, /files\[0\]\.source: .* changed since synth: its SHA-256 is [0-9a-f]{64}, the spec records [0-9a-f]{64}/);
});

test("a symbolic link is refused before any request, even to a file of the right content", async () => {
  // GIVEN the asset replaced by a symlink to a copy of the same bytes
  const stack = makeStack([randomFile("etl.jar", 3000)]);
  const path = join(stack.dir, stack.files[0].source);
  renameSync(path, join(stack.dir, "elsewhere.jar"));
  symlinkSync(join(stack.dir, "elsewhere.jar"), path);
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files), { cwd: stack.dir });
  expectRefusedBeforeAnyRequest(result, /files\[0\]\.source: .* is a symbolic link/);
});

test("a missing file and a directory in its place are refused before any request", async () => {
  const stack = makeStack([randomFile("a.jar", 10), randomFile("b.jar", 10)]);
  unlinkSync(join(stack.dir, stack.files[1].source));
  const missing = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files), { cwd: stack.dir });
  expectRefusedBeforeAnyRequest(missing, /files\[1\]\.source: .* does not exist in the stack directory/);
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(stack.dir, stack.files[1].source));
  const directory = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files), { cwd: stack.dir });
  expectRefusedBeforeAnyRequest(directory, /files\[1\]\.source: .* is not a regular file/);
});

test("control characters in a source path are refused, escaped, before any request", async () => {
  const stack = makeStack([randomFile("etl.jar", 10)]);
  const hostile = [{ ...stack.files[0], source: "assets/x\n\u001b[31mred/etl.jar" }];
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, hostile), { cwd: stack.dir });
  expectRefusedBeforeAnyRequest(result, /files\[0\]\.source: "assets\/x\\n\\u001b\[31mred\/etl\.jar" — a path relative to the stack directory/);
});

test("only an IAM token configured: one line saying OBS needs AK/SK, before any request", async () => {
  const stack = makeStack([randomFile("etl.jar", 10)]);
  const env = stagingEnv(emulator.env, stack.files, { HW_ACCESS_KEY: undefined, HW_SECRET_KEY: undefined, HW_AUTH_TOKEN: "some-iam-token" });
  const result = await runCli(["upload-group"], env, { cwd: stack.dir });
  expectRefusedBeforeAnyRequest(result, /staging files into OBS needs AK\/SK or temporary AK\/SK .*OBS does not accept the IAM token in HW_AUTH_TOKEN/);
});

describe.each([
  ["http on a host that is not loopback", "http://obs.example.com"],
  ["user info", "https://user:secret@obs.example.com"],
  ["user info on loopback", "http://user@127.0.0.1:9"],
  ["a path", "https://obs.example.com/bucket"],
  ["a query", "https://obs.example.com?x=1"],
  ["a control character", "https://obs.example.com\n"],
])("HW_OBS_ENDPOINT with %s", (_, endpoint) => {
  test("is refused, naming the variable, before any request", async () => {
    const stack = makeStack([randomFile("etl.jar", 10)]);
    const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files, { HW_OBS_ENDPOINT: endpoint }), { cwd: stack.dir });
    expectRefusedBeforeAnyRequest(result, /HW_OBS_ENDPOINT: ".*" — an https:\/\/ URL without path, query or fragment/);
    expect(result.stderr).not.toContain("secret@");
  });
});

test("a multipart setting out of range is refused, naming the variable, before any request", async () => {
  const stack = makeStack([randomFile("etl.jar", 10)]);
  const result = await runCli(["upload-group"], stagingEnv(emulator.env, stack.files, { DLI_PACKAGES_PART_BYTES: "1024" }), { cwd: stack.dir });
  expectRefusedBeforeAnyRequest(result, /DLI_PACKAGES_PART_BYTES: "1024" must be a whole number from 102400 to 5368709120/);
});
