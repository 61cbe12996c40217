/**
 * The emulator in a child process (`startEmulator({ process: "child" })`): the same handle as
 * in-process, for tests that block their own event loop, typically
 * `execFileSync("terraform", ["apply", …])`, during which an in-process emulator cannot answer.
 *
 * The handle's methods stay synchronous: they call the child's `/__emulator/` control routes
 * through a {@link SyncControlClient}. The child never outlives this process: `close()` stops
 * it, an exit of this process kills it, and the child ends itself when the IPC channel drops
 * (this process SIGKILLed).
 */
import { ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ChildMessage, ChildStartMessage } from "./child";
import { EmulatorOptions } from "./options";
import { RequestLogEntry } from "./request-log";
import type { RunningEmulator } from "./server";
import { EmulatedGroup } from "./dli/state";
import { SyncControlClient } from "./sync-control";

/** A running child-process emulator: the usual handle plus the child's pid. */
export interface RunningChildEmulator extends RunningEmulator {
  /** Process id of the child serving the emulator. */
  readonly pid: number;
}

const START_TIMEOUT_MS = 15_000;

/** The compiled child entry: beside this module in dist/, or dist/ when running from lib/ sources (ts-jest). */
function childEntry(): string {
  const candidates = [join(__dirname, "child.js"), join(__dirname, "..", "..", "dist", "lib", "emulator", "child.js")];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`dli-local: the child-process entry is missing (looked for ${candidates.join(", ")}); run \`npm run build\``);
  return found;
}

/**
 * Options as JSON: RegExp fail paths become `{regexp, flags}` (configFromJson turns them back);
 * a function becomes null, so that configure() refuses it over HTTP as it does in-process.
 */
function optionsToJson(options: Partial<EmulatorOptions>): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) json[name] = typeof value === "function" ? null : value;
  if (options.failPaths) json.failPaths = options.failPaths.map((p) => (typeof p === "string" ? p : { regexp: p.source, flags: p.flags }));
  // `faults: undefined` and `retryAfterSeconds: undefined` mean "turn off" in configure().
  if ("faults" in options && options.faults === undefined) json.faults = null;
  if ("retryAfterSeconds" in options && options.retryAfterSeconds === undefined) json.retryAfterSeconds = null;
  return json;
}

export async function startChildEmulator(options: EmulatorOptions): Promise<RunningChildEmulator> {
  if (options.now) {
    throw new Error('dli-local: an injected clock (`now`) cannot cross into a child process; use process: "in-process" for it');
  }
  const child = fork(childEntry(), [], { stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "json" });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const log = options.log;
  child.on("message", (message: ChildMessage) => {
    if ("log" in message) log?.(message.log);
  });
  const { log: _log, process: _process, ...childOptions } = options;
  const start: ChildStartMessage = { start: optionsToJson(childOptions), forwardLog: log !== undefined };
  child.send(start);
  try {
    const ready = await new Promise<{ url: string; env: Record<string, string> }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dli-local: the child process did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.on("message", (message: ChildMessage) => {
        if ("ready" in message) resolve(message.ready);
        if ("failed" in message) reject(new Error(message.failed));
        if (!("log" in message)) clearTimeout(timer);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`dli-local: the child process ended before it listened (exit ${code ?? signal})`));
      });
      child.once("error", reject);
    });
    return new ChildEmulator(child, ready.url, ready.env, killOnExit);
  } catch (error) {
    process.off("exit", killOnExit);
    child.kill("SIGKILL");
    throw error;
  }
}

class ChildEmulator implements RunningChildEmulator {
  readonly pid: number;
  private readonly control: SyncControlClient;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly env: Record<string, string>,
    private readonly killOnExit: () => void,
  ) {
    this.pid = child.pid!;
    this.control = new SyncControlClient(url);
  }

  requests(): RequestLogEntry[] {
    return this.json("GET", "/__emulator/requests").requests;
  }

  clearRequests(): void {
    this.json("DELETE", "/__emulator/requests");
  }

  reset(): void {
    this.json("POST", "/__emulator/reset");
  }

  configure(patch: Partial<EmulatorOptions>): void {
    this.json("PUT", "/__emulator/config", optionsToJson(patch));
  }

  groups(): EmulatedGroup[] {
    return this.json("GET", "/__emulator/state").groups;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      process.off("exit", this.killOnExit);
      await this.control.close();
      if (this.child.exitCode !== null || this.child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.kill("SIGTERM");
      await exited;
    })();
    return this.closing;
  }

  /** One control call; a non-2xx answer throws with the emulator's message, as in-process calls do. */
  private json(method: string, path: string, body?: unknown): any {
    if (this.closing) throw new Error(`dli-local: the child-process emulator (pid ${this.pid}) is closed; start another one`);
    const reply = this.control.call(method, path, body);
    const parsed = reply.text ? JSON.parse(reply.text) : undefined;
    if (reply.status >= 300) throw new Error(parsed?.error_msg ?? `dli-local: ${method} ${path} answered ${reply.status}`);
    return parsed;
  }
}
