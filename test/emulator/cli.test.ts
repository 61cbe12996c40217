/**
 * The `dli-local` CLI as a child process: export lines first on stdout, request log on stderr,
 * clean shutdown on SIGINT/SIGTERM, state kept across `kill -9`, usage errors. The CLI is
 * bundled from source with esbuild so the test never runs a stale dist/.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { RunningEmulator } from "../../lib/emulator";
import { json, obs, signedSend } from "./support/client";

const root = join(__dirname, "..", "..");
let dir: string;
let cli: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dli-local-cli-"));
  cli = join(dir, "cli.js");
  buildSync({ entryPoints: [join(root, "lib", "emulator", "cli.ts")], outfile: cli, bundle: true, platform: "node", format: "cjs", logLevel: "error" });
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly env: Record<string, string>;
  readonly stdoutLines: string[];
  stderr(): string;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawn the CLI and wait for its seven export lines. */
function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dli-local did not print its exports: ${stderr}`)), 10_000);
    child.stdout!.on("data", (d) => {
      stdout += d;
      const lines = stdout.split("\n").filter(Boolean);
      if (lines.length >= 7) {
        clearTimeout(timer);
        const env = Object.fromEntries(lines.slice(0, 7).map((l) => /^export ([A-Z_]+)=(.*)$/.exec(l)!.slice(1, 3) as [string, string]));
        resolve({ child, env, stdoutLines: lines, stderr: () => stderr, exited: () => exit });
      }
    });
    void exit.then(({ code }) => reject(new Error(`dli-local exited ${code}: ${stderr}`)));
  });
}

/** Enough of RunningEmulator for the signing client. */
const remote = (env: Record<string, string>) => ({ url: env.HW_DLI_ENDPOINT, env }) as unknown as RunningEmulator;

test("--help prints the usage and exits 0", () => {
  const result = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Usage: dli-local/);
  expect(result.stdout).toMatch(/--state-file/);
});

test.each([
  [["--semantics", "sometimes"], /--semantics/],
  [["--rate-503", "2"], /--rate-503/],
  [["--port", "x"], /--port/],
  [["--no-such-option"], /Unknown option/],
])("usage error %j → exit 2 with one line saying what is wrong", (args, message) => {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).toBe("");
});

test("prints the seven export lines first, serves signed requests, logs on stderr, stops on SIGTERM", async () => {
  const started = await startCli(["--port", "0", "--ready-delay-ms", "0"]);
  expect(started.stdoutLines.slice(0, 7).map((l) => l.split("=")[0])).toEqual([
    "export HW_DLI_ENDPOINT",
    "export HW_IAM_ENDPOINT",
    "export HW_ACCESS_KEY",
    "export HW_SECRET_KEY",
    "export HW_PROJECT_ID",
    "export HW_REGION_NAME",
    "export HW_OBS_ENDPOINT",
  ]);
  expect(started.env.HW_OBS_ENDPOINT).toBe(started.env.HW_DLI_ENDPOINT);
  expect(started.env.HW_DLI_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const emulator = remote(started.env);
  const base = `/v2.0/${started.env.HW_PROJECT_ID}/resources`;
  expect((await signedSend(emulator, json("POST", `${base}/files`, { paths: [obs("a.csv")], group: "g" }))).status).toBe(201);
  expect((await signedSend(emulator, { method: "GET", path: base })).json.groups).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 50));
  expect(started.stderr()).toMatch(/POST \/v2\.0\/\S+\/resources\/files 201 .*UploadFileJobResources/);
  started.child.kill("SIGTERM");
  expect(await started.exited()).toEqual({ code: 0, signal: null });
  expect(started.stderr()).toMatch(/SIGTERM, shutting down/);
});

test("SIGINT also shuts down cleanly", async () => {
  const started = await startCli(["--quiet"]);
  started.child.kill("SIGINT");
  expect(await started.exited()).toEqual({ code: 0, signal: null });
});

test("state survives kill -9 of the CLI when --state-file is given", async () => {
  const stateFile = join(dir, "killed.json");
  const first = await startCli(["--state-file", stateFile, "--quiet"]);
  const base = `/v2.0/${first.env.HW_PROJECT_ID}/resources`;
  await signedSend(remote(first.env), json("POST", `${base}/jars`, { paths: [obs("a.jar"), obs("b.jar")], group: "udfs" }));
  await signedSend(remote(first.env), json("POST", `${base}/files`, { paths: [obs("c.csv")], group: "data" }));
  first.child.kill("SIGKILL");
  expect((await first.exited()).signal).toBe("SIGKILL");

  const second = await startCli(["--state-file", stateFile, "--quiet"]);
  const list = await signedSend(remote(second.env), { method: "GET", path: base });
  expect(list.json.groups.map((g: any) => [g.group_name, g.resources])).toEqual([
    ["udfs", ["a.jar", "b.jar"]],
    ["data", ["c.csv"]],
  ]);
  second.child.kill("SIGTERM");
  await second.exited();
});

test("a corrupt state file: exit 2, the reason on stderr, the file untouched", () => {
  const stateFile = join(dir, "corrupt.json");
  writeFileSync(stateFile, "{ not json");
  const result = spawnSync(process.execPath, [cli, "--state-file", stateFile], { encoding: "utf8", timeout: 10_000 });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/corrupt.*left untouched/);
  expect(result.stdout).toBe("");
  expect(readFileSync(stateFile, "utf8")).toBe("{ not json");
});

test("fault options reach the server: --rate-503 1 answers 503", async () => {
  const started = await startCli(["--rate-503", "1", "--fault-seed", "9", "--quiet"]);
  const reply = await signedSend(remote(started.env), { method: "GET", path: `/v2.0/${started.env.HW_PROJECT_ID}/resources` });
  expect(reply.status).toBe(503);
  started.child.kill("SIGTERM");
  await started.exited();
});

const built = join(root, "dist", "lib", "emulator", "cli.js");
(existsSync(built) ? test : test.skip)("the built bin (dist/lib/emulator/cli.js) keeps its shebang", () => {
  expect(readFileSync(built, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
});

test("--obs-bucket serves the bucket at HW_OBS_ENDPOINT, objects kept in --obs-dir across a restart; a bad bucket name → exit 2 naming it", async () => {
  const { obsSend } = await import("./obs/obs-client");
  const obsDir = join(dir, "obs");
  const first = await startCli(["--obs-bucket", "dli-test", "--obs-bucket", "second-bucket", "--obs-dir", obsDir, "--quiet"]);
  expect((await obsSend(remote(first.env), { method: "PUT", bucket: "second-bucket", key: "k/a.jar", body: "jar bytes" })).status).toBe(200);
  expect((await obsSend(remote(first.env), { method: "GET", bucket: "not-served", key: "x" })).status).toBe(404);
  first.child.kill("SIGTERM");
  await first.exited();
  const second = await startCli(["--obs-bucket", "second-bucket", "--obs-dir", obsDir, "--quiet"]);
  const got = await obsSend(remote(second.env), { method: "GET", bucket: "second-bucket", key: "k/a.jar" });
  expect([got.status, got.text]).toEqual([200, "jar bytes"]);
  second.child.kill("SIGTERM");
  await second.exited();

  const bad = spawnSync(process.execPath, [cli, "--obs-bucket", "Bad_Bucket"], { encoding: "utf8", timeout: 10_000 });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/obsBuckets: "Bad_Bucket" — an OBS bucket name/);
  expect(bad.stdout).toBe("");
});
