/**
 * Drives the real `terraform` binary for the lifecycle tests: probes what this machine can run
 * (the binary, the null provider), runs commands asynchronously (the in-process emulator must
 * keep answering while Terraform's provisioners call it) and finds the processes it started.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TERRAFORM = process.env.TERRAFORM_BINARY_NAME || "terraform";

/** Result of a probe: either usable, or the reason printed when the tests skip. */
export type Probe = { ok: true; detail: string } | { ok: false; reason: string };

/**
 * Is a `terraform` binary on PATH? Synchronous on purpose: it runs at module load, before any
 * emulator exists, so jest can choose `describe` or `describe.skip` up front.
 */
export function probeTerraform(): Probe {
  const result = spawnSync(TERRAFORM, ["version"], { encoding: "utf8", env: terraformEnvironment({}) });
  if (result.error || result.status !== 0) {
    return { ok: false, reason: `no usable '${TERRAFORM}' binary on PATH (${result.error?.message ?? result.stderr.trim()})` };
  }
  return { ok: true, detail: result.stdout.split("\n")[0] };
}

/**
 * Can `terraform init` install hashicorp/null here (registry, provider mirror or plugin cache
 * configured through TF_CLI_CONFIG_FILE)? Tried for real in a scratch directory.
 */
export function probeNullProvider(): Probe {
  return probeProvider("null");
}

const probed = new Map<string, Probe>();

/** Can `terraform init` install hashicorp/<name> here? Tried for real in a scratch directory, once per process. */
export function probeProvider(name: string): Probe {
  const known = probed.get(name);
  if (known) return known;
  const dir = mkdtempSync(join(tmpdir(), `dli-${name}-probe-`));
  try {
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { [name]: { source: `hashicorp/${name}` } } } }),
    );
    const result = spawnSync(TERRAFORM, ["init", "-input=false", "-no-color"], {
      cwd: dir,
      encoding: "utf8",
      env: terraformEnvironment({}),
      timeout: 60_000,
    });
    let probe: Probe;
    if (result.status === 0) probe = { ok: true, detail: `hashicorp/${name} installs` };
    else {
      const firstError = `${result.stderr}\n${result.stdout}`
        .split("\n")
        .map((line) => line.trim())
        .find((line) => /error|failed|could not/i.test(line));
      probe = {
        ok: false,
        reason: `terraform init cannot install hashicorp/${name} here (${firstError ?? `exit ${result.status}`}); configure a provider mirror via TF_CLI_CONFIG_FILE to run these`,
      };
    }
    probed.set(name, probe);
    return probe;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What one terraform command did. */
export interface TerraformRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout + stderr, for assertions that don't care which stream a line went to. */
  readonly output: string;
}

/** A started terraform command: its pid (for finding its children) and its completion. */
export interface StartedTerraform {
  readonly pid: number;
  readonly done: Promise<TerraformRun>;
}

/** The environment a terraform command runs in: quiet, offline-friendly, plus `extra`. */
export function terraformEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0", ...extra };
  // A TF_CLI_CONFIG_FILE naming a missing file only adds a warning to every command's output.
  if (env.TF_CLI_CONFIG_FILE && !existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return env;
}

/** Starts `terraform <args>` in `cwd` without waiting for it. */
export function startTerraform(cwd: string, args: string[], env: Record<string, string>): StartedTerraform {
  return startCommand(TERRAFORM, [...args, "-no-color"], cwd, terraformEnvironment(env));
}

/**
 * Starts any command in `cwd` with exactly `env`, collecting its output, without waiting for it
 * (also for tools that run terraform themselves, such as cdktn-cli).
 */
export function startCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): StartedTerraform {
  const child = spawn(command, args, { cwd, env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<TerraformRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
  return { pid: child.pid ?? -1, done };
}

/** Runs `terraform <args>` in `cwd` to completion. */
export function terraform(cwd: string, args: string[], env: Record<string, string>): Promise<TerraformRun> {
  return startTerraform(cwd, args, env).done;
}

/**
 * What `terraform init` depends on in a stack's configuration: its required providers, its
 * backend and its module sources. A re-synthesized stack whose fingerprint differs from the one
 * of its last init needs another init: a stack first initialized without package groups (a
 * handover's target stack) that later declares a null_resource group needs hashicorp/null, and
 * one that gains a PackageGroupDriftCheck needs hashicorp/external ("Inconsistent dependency lock
 * file" otherwise).
 */
export function initFingerprint(stackDir: string): string {
  try {
    const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    const modules = Object.entries<{ source?: unknown }>(config.module ?? {}).map(([name, body]) => [name, body?.source]);
    return JSON.stringify([config.terraform?.required_providers ?? null, config.terraform?.backend ?? null, modules]);
  } catch {
    return ""; // no readable configuration: let init say what is wrong
  }
}

/** Per stack directory, the fingerprint of its last successful `terraform init` in this process. */
const initializedWith = new Map<string, string>();

/** Record a successful `terraform init` of `stackDir` (what it was run for). */
export function recordInit(stackDir: string): void {
  initializedWith.set(stackDir, initFingerprint(stackDir));
}

/** Does `stackDir` need `terraform init` before the next command (never initialized here, or its providers, backend or modules changed)? */
export function needsInit(stackDir: string): boolean {
  return !existsSync(join(stackDir, ".terraform")) || initializedWith.get(stackDir) !== initFingerprint(stackDir);
}

/**
 * `terraform init` when {@link needsInit}, as `cdktf deploy` inits before every run; the init's
 * result (undefined when none was needed). Throws when the init fails.
 */
export async function initIfNeeded(stackDir: string, env: Record<string, string>): Promise<TerraformRun | undefined> {
  if (!needsInit(stackDir)) return undefined;
  const init = await terraform(stackDir, ["init", "-input=false"], env);
  if (init.code !== 0) throw new Error(`terraform init failed (exit ${init.code}) in ${stackDir}:\n${init.output}`);
  recordInit(stackDir);
  return init;
}

/** Every live descendant of `rootPid` with its command line (Linux /proc). */
export function descendantProcesses(rootPid: number): { pid: number; commandLine: string }[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(afterName[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: { pid: number; commandLine: string }[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parents) {
      if (ppid !== parent) continue;
      queue.push(pid);
      try {
        found.push({ pid, commandLine: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ") });
      } catch {
        // Gone already.
      }
    }
  }
  return found;
}
