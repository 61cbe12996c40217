/**
 * A fresh app that installs this package the way a user does: from the tarball `npm pack`
 * makes, with npm, next to the framework core it chose. Installs go to the npm registry with
 * `--prefer-offline` (the npm cache answers what it can); when the registry cannot be reached
 * at all, the tests that need it skip with the reason printed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Probe } from "../../lifecycle/support/terraform";

const ROOT = join(__dirname, "..", "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
export const NPM_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

export interface NpmRun {
  readonly code: number | null;
  readonly output: string;
  readonly ms: number;
}

/** Runs npm in `cwd` (no update notice), to completion. */
export function npm(cwd: string, args: string[]): NpmRun {
  const started = Date.now();
  const result = spawnSync(NPM, args, { cwd, encoding: "utf8", timeout: 300_000, env: { ...process.env, npm_config_update_notifier: "false" } });
  return { code: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim(), ms: Date.now() - started };
}

/** Can npm reach the registry (or answer from its cache)? One metadata lookup of a package the tests install. */
export function probeRegistry(): Probe {
  const run = npm(tmpdir(), ["view", "cdktn@0.24.0", "version", ...NPM_FLAGS]);
  if (run.code === 0 && run.output.includes("0.24.0")) return { ok: true, detail: `registry answered in ${run.ms} ms` };
  return { ok: false, reason: `npm cannot reach the registry (npm view cdktn@0.24.0 version: exit ${run.code}, ${run.output.split("\n")[0]})` };
}

/** `npm pack` of this repo (dist/ must be built) into a fresh directory; returns the tarball path. */
export function packThisPackage(): { tarball: string; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), "dli-pack-"));
  const started = Date.now();
  // --ignore-scripts: dist/ is built already (npm test builds first); `prepare` would rebuild it under running tests.
  execFileSync(NPM, ["pack", "--ignore-scripts", "--pack-destination", dir, "--loglevel=error"], { cwd: ROOT, stdio: "pipe" });
  const tarball = readdirSync(dir).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return { tarball: join(dir, tarball), ms: Date.now() - started };
}

export interface ConsumerApp {
  readonly dir: string;
  readonly install: NpmRun;
  /** `npm ls <name> --all` in the app: the evidence of what the install put in the tree. */
  ls(name: string): NpmRun;
  /** `npm install <specs>` into the app. */
  add(specs: string[]): NpmRun;
  /** Runs `node <script>` in the app (so `require` resolves from its node_modules). */
  node(script: string, args: string[], env?: Record<string, string>): { code: number | null; stdout: string; stderr: string };
}

/** A fresh app directory with `specs` installed by one `npm install`. */
export function createConsumerApp(label: string, specs: string[]): ConsumerApp {
  const dir = mkdtempSync(join(tmpdir(), `dli-consumer-${label}-`));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${label}`, version: "1.0.0", private: true }, null, 2));
  const install = npm(dir, ["install", ...NPM_FLAGS, ...specs]);
  return {
    dir,
    install,
    ls: (name) => npm(dir, ["ls", name, "--all"]),
    add: (more) => npm(dir, ["install", ...NPM_FLAGS, ...more]),
    node: (script, args, env = {}) => {
      const result = spawnSync(process.execPath, [script, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, ...env } });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}
