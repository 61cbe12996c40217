/**
 * `startEmulator({ process: "child" })` (issue 10 §2): the same synchronous handle as the
 * in-process emulator, served from a child process over the `/__emulator/` control routes, that
 * keeps answering while this process is blocked, and never outlives its parent.
 * Uses dist/ for the child entry (`npm test` builds first).
 */
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { RunningChildEmulator, RunningEmulator, startEmulator } from "../../lib/emulator";
import { json, obs, signedSend } from "./support/client";

const DIST_EMULATOR = join(__dirname, "..", "..", "dist", "lib", "emulator", "index.js");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Wait (bounded) until `pid` is gone; returns whether it went. */
async function gone(pid: number, withinMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return !alive(pid);
}

describe("the child-process handle", () => {
  let emulator: RunningChildEmulator;
  const logLines: string[] = [];
  let base: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, process: "child", log: (line) => logLines.push(line) });
    base = `/v2.0/${emulator.env.HW_PROJECT_ID}/resources`;
  });
  afterAll(async () => {
    await emulator.close();
    expect(await gone(emulator.pid)).toBe(true);
  });
  beforeEach(() => emulator.reset());

  test("serves from another process, with the same env as in-process", async () => {
    expect(emulator.pid).not.toBe(process.pid);
    expect(alive(emulator.pid)).toBe(true);
    const inProcess = await startEmulator({ port: 0 });
    try {
      expect(Object.keys(emulator.env)).toEqual(Object.keys(inProcess.env));
      expect(emulator.env.HW_DLI_ENDPOINT).toBe(emulator.url);
    } finally {
      await inProcess.close();
    }
  });

  test("answers while this process is blocked in a synchronous child process", () => {
    // A client process runs while our event loop is blocked: only a child-process emulator can answer it.
    const client = `require("node:http").get(process.argv[1], (res) => { process.stdout.write(String(res.statusCode)); res.resume(); })`;
    const status = execFileSync(process.execPath, ["-e", client, `${emulator.url}/v3/projects`], { encoding: "utf8", timeout: 20_000 });
    expect(status).toBe("401"); // unsigned → APIGW.0301: the emulator answered
    expect(emulator.requests()).toEqual([expect.objectContaining({ method: "GET", path: "/v3/projects", status: 401, api: "KeystoneListProjects" })]);
  });

  test("requests(), clearRequests(), groups() and reset() are synchronous and see what the child saw", async () => {
    const reply = await signedSend(emulator, json("POST", `${base}/files`, { paths: [obs("a.csv")], group: "data" }));
    expect(reply.status).toBe(201);
    expect(emulator.requests().map((r) => `${r.method} ${r.api} ${r.status}`)).toEqual(["POST UploadFileJobResources 201"]);
    expect(emulator.groups()).toEqual([expect.objectContaining({ group: "data", status: "READY", packages: [expect.objectContaining({ name: "a.csv", path: obs("a.csv") })] })]);
    emulator.clearRequests();
    expect(emulator.requests()).toEqual([]);
    expect(emulator.groups()).toHaveLength(1);
    emulator.reset();
    expect(emulator.groups()).toEqual([]);
  });

  test("configure() changes the child's behaviour, RegExp fail paths included, and rejects what in-process rejects", async () => {
    emulator.configure({ failPaths: [/broken/i], readyDelayMs: 0 });
    try {
      await signedSend(emulator, json("POST", `${base}/files`, { paths: [obs("BROKEN.csv"), obs("ok.csv")], group: "g" }));
      expect(emulator.groups()[0].packages.map((p) => `${p.name}:${p.status}`)).toEqual(["BROKEN.csv:FAILED", "ok.csv:READY"]);
    } finally {
      emulator.configure({ failPaths: [] });
    }
    const inProcess: RunningEmulator = await startEmulator({ port: 0 });
    try {
      for (const bad of [{ port: 1 }, { readyDelayMs: -1 }, { now: () => 0 }]) {
        const message = (() => {
          try {
            inProcess.configure(bad);
          } catch (error) {
            return (error as Error).message;
          }
        })();
        expect(message).toMatch(/^dli-local: /);
        expect(() => emulator.configure(bad)).toThrow(message);
      }
    } finally {
      await inProcess.close();
    }
  });

  test("log lines are forwarded to the log option", async () => {
    await signedSend(emulator, { method: "GET", path: base });
    const deadline = Date.now() + 5_000;
    while (!logLines.some((line) => line.includes("ListJobResources")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(logLines.find((line) => line.includes("ListJobResources"))).toMatch(/GET .*\/resources .*200/);
  });
});

test("an injected clock cannot cross into the child: a clear error, no process left", async () => {
  await expect(startEmulator({ process: "child", now: () => 0 })).rejects.toThrow(/injected clock \(`now`\) cannot cross into a child process; use process: "in-process"/);
});

test("an unknown process mode is refused", async () => {
  await expect(startEmulator({ process: "thread" as any })).rejects.toThrow(/process: "thread" — use "in-process" or "child"/);
});

describe("the child never outlives its parent", () => {
  /** A parent node process that starts a child emulator, prints its pid, then does `then`. */
  function parentThat(then: string): Promise<{ parentPid: number; childPid: number; exited: Promise<unknown> }> {
    const script = `
      const { startEmulator } = require(${JSON.stringify(DIST_EMULATOR)});
      startEmulator({ port: 0, process: "child" }).then((emulator) => {
        process.stdout.write(emulator.pid + "\\n");
        ${then}
      });`;
    const parent = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((resolve) => parent.on("exit", resolve));
    return new Promise((resolve, reject) => {
      let out = "";
      parent.stdout.on("data", (chunk) => {
        out += chunk;
        if (out.includes("\n")) resolve({ parentPid: parent.pid!, childPid: Number(out.trim()), exited });
      });
      parent.on("exit", (code) => reject(new Error(`the parent exited (${code}) before printing the child's pid`)));
    });
  }

  test("parent SIGKILLed (no exit handler runs): the child ends itself", async () => {
    const { parentPid, childPid, exited } = await parentThat("setInterval(() => {}, 1000);");
    expect(alive(childPid)).toBe(true);
    process.kill(parentPid, "SIGKILL");
    await exited;
    expect(await gone(childPid)).toBe(true);
  });

  test("parent exits without close(): the child is killed", async () => {
    const { childPid, exited } = await parentThat("process.exit(0);");
    await exited;
    expect(await gone(childPid)).toBe(true);
  });
});
