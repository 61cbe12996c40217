/**
 * A jsii host, as the Python one is: it starts `@jsii/runtime`'s bundled `jsii-runtime` program
 * (the kernel process every jsii language runtime starts) and talks to it over stdin/stdout, one
 * JSON message a line: `load` the tarballs, `create` objects by fully qualified name with plain
 * JSON arguments, `invoke` / `sinvoke` / `get`, `del`.
 *
 * The runtime comes from the npm registry as a tarball (`npm pack @jsii/runtime@1.140.0`): on
 * this registry its dependency @jsii/kernel exists only as 1.22.0, so `npm install` of it fails,
 * while its webpack bundle (webpack/bin/jsii-runtime.js + webpack/lib/program.js) needs nothing
 * else. The tarballs of the cores are `npm pack` of the versions installed here, i.e. the files a
 * Python wheel of each embeds.
 */
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const ROOT = join(__dirname, "..", "..", "..");
export const JSII_RUNTIME_VERSION = "1.140.0";
const CACHE = join(ROOT, ".tmp", "jsii-kernel");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPM_FLAGS = ["--prefer-offline", "--loglevel=error"];

/** A jsii object reference, as the kernel returns it. */
export interface ObjRef {
  readonly "$jsii.byref": string;
}

/** The error a request answered with (what a Python host raises as JSIIError / RuntimeError). */
export class KernelError extends Error {
  constructor(
    message: string,
    readonly errorName: string | undefined,
  ) {
    super(message);
  }
}

/** `npm pack <spec>` into the cache (once); returns the tarball path. */
export function packFromRegistry(spec: string): string {
  mkdirSync(CACHE, { recursive: true });
  const name = spec.replace(/^@/, "").replace("/", "-").replace(/@/, "-") + ".tgz";
  const tarball = join(CACHE, name);
  if (!existsSync(tarball)) execFileSync(NPM, ["pack", spec, "--pack-destination", CACHE, ...NPM_FLAGS], { stdio: "pipe", timeout: 120_000 });
  if (!existsSync(tarball)) throw new Error(`npm pack ${spec} wrote no ${name} into ${CACHE} (${readdirSync(CACHE).join(", ")})`);
  return tarball;
}

/** `npm pack` of a local package directory (built already) into the cache; returns the tarball path. */
export function packDirectory(dir: string, destination: string): string {
  mkdirSync(destination, { recursive: true });
  // --ignore-scripts: dist/ is built already; `prepare` would rebuild it under running tests.
  const out = execFileSync(NPM, ["pack", "--ignore-scripts", "--pack-destination", destination, "--loglevel=error"], { cwd: dir, encoding: "utf8" });
  return join(destination, out.trim().split("\n").pop()!.trim());
}

/** The bundled kernel program of @jsii/runtime, extracted from its npm tarball (once). */
export function jsiiRuntimeProgram(): string {
  const dir = join(CACHE, `jsii-runtime-${JSII_RUNTIME_VERSION}`);
  const program = join(dir, "package", "webpack", "bin", "jsii-runtime.js");
  if (!existsSync(program)) {
    const tarball = packFromRegistry(`@jsii/runtime@${JSII_RUNTIME_VERSION}`);
    mkdirSync(dir, { recursive: true });
    execFileSync("tar", ["xzf", tarball, "-C", dir]);
  }
  return program;
}

/** The version of a package installed in this repo's node_modules. */
export function installedVersion(name: string): string {
  return require(`${name}/package.json`).version;
}

/** One kernel process and its stdio conversation. */
export class KernelHost {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private closed: string | undefined;
  /** What the JavaScript side printed (the kernel wraps it as {"stderr": base64} lines on stderr). */
  readonly consoleOutput: string[] = [];

  constructor(program: string, cwd: string) {
    // As the Python runtime starts it: node <jsii-runtime.js>, stdio pipes, the host's environment.
    this.child = spawn(process.execPath, [program], { cwd, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: "20" } });
    createInterface({ input: this.child.stdout }).on("line", (line) => this.push(line));
    createInterface({ input: this.child.stderr }).on("line", (line) => {
      try {
        const wrapped = JSON.parse(line) as { stderr?: string; stdout?: string };
        this.consoleOutput.push(Buffer.from(wrapped.stderr ?? wrapped.stdout ?? "", "base64").toString("utf8"));
      } catch {
        this.consoleOutput.push(line);
      }
    });
    this.child.on("close", (code) => {
      this.closed = `kernel process exited ${code}: ${this.consoleOutput.join("").slice(-2000)}`;
      this.waiting?.("");
    });
  }

  private push(line: string): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(line);
    } else this.lines.push(line);
  }

  private next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.reject(new Error(this.closed));
    return new Promise((resolve, reject) => {
      this.waiting = (l) => (this.closed && l === "" ? reject(new Error(this.closed)) : resolve(l));
    });
  }

  /** Reads the kernel's greeting: `{"hello": "@jsii/runtime@1.140.0"}`. */
  async hello(): Promise<string> {
    return (JSON.parse(await this.next()) as { hello: string }).hello;
  }

  /** Sends one request and returns its `ok` value; an `error` answer throws KernelError. */
  async request(message: Record<string, unknown>): Promise<any> {
    this.child.stdin.write(JSON.stringify(message) + "\n");
    const answer = JSON.parse(await this.next()) as { ok?: unknown; error?: string; name?: string; callback?: unknown };
    if (answer.callback) throw new Error(`unexpected callback from the kernel: ${JSON.stringify(answer.callback)}`);
    if (answer.error !== undefined) throw new KernelError(answer.error, answer.name);
    return answer.ok;
  }

  load(tarball: string, name: string, version: string): Promise<{ assembly: string; types: number }> {
    return this.request({ api: "load", name, version, tarball });
  }

  async create(fqn: string, args: unknown[] = []): Promise<ObjRef> {
    return this.request({ api: "create", fqn, args, overrides: [], interfaces: [] });
  }

  async invoke(objref: ObjRef, method: string, args: unknown[] = []): Promise<unknown> {
    return ((await this.request({ api: "invoke", objref, method, args })) as { result?: unknown }).result;
  }

  async sinvoke(fqn: string, method: string, args: unknown[] = []): Promise<unknown> {
    return ((await this.request({ api: "sinvoke", fqn, method, args })) as { result?: unknown }).result;
  }

  async get(objref: ObjRef, property: string): Promise<unknown> {
    return ((await this.request({ api: "get", objref, property })) as { value?: unknown }).value;
  }

  /** Ends the conversation the way a host does at exit: stdin closed, then the process ends. */
  async close(): Promise<void> {
    if (this.closed) return;
    const exited = new Promise<void>((resolve) => this.child.once("close", () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGTERM"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** `{"$jsii.enum": "fqn/MEMBER"}`: how a host passes an enum member. */
export function enumRef(fqn: string, member: string): { "$jsii.enum": string } {
  return { "$jsii.enum": `${fqn}/${member}` };
}
