/**
 * One synth-time check per stack that the Terraform on PATH is recent enough for what the
 * stack uses (`terraform_data`: 1.4; `removed` blocks with provisioners: 1.9).
 *
 * `terraform version` runs at most once per process, and in the background: it is started
 * when the first construct records a need (its answer goes to a temporary file) and read at
 * validation, after the constructs and the preparing resolve, so its ~50–150 ms (a 90 MB
 * binary starting) overlap synthesis instead of adding to it (bench/synth.bench.mjs, whole
 * process). If it has not answered by then, validation runs it again and waits. Without a
 * terraform binary the check passes: synthesizing needs no terraform, and `terraform apply`
 * will need one anyway (which is where an old version is caught on a machine that
 * synthesizes elsewhere).
 */
import { TerraformStack } from "./framework";
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Construct, IValidation } from "constructs";

let installed: { version: string | undefined } | undefined;
/** The background `terraform version -json` started by {@link prefetchTerraformVersion}, if any. */
let prefetched: { readonly dir: string; readonly file: string } | undefined;

function terraformBinary(): string {
  return process.env.TERRAFORM_BINARY_NAME || "terraform";
}

function versionOf(output: string): string | undefined {
  const version = (JSON.parse(output) as { terraform_version?: unknown }).terraform_version;
  return typeof version === "string" ? version : undefined;
}

/** Start `terraform version -json` in the background, once per process (its output goes to a temp file). */
export function prefetchTerraformVersion(): void {
  if (installed || prefetched) return;
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), "cdktf-dli-packages-"));
    const file = join(dir, "terraform-version.json");
    const fd = openSync(file, "w");
    try {
      const child = spawn(terraformBinary(), ["version", "-json"], { stdio: ["ignore", fd, "ignore"] });
      child.on("error", () => undefined); // no binary: the file stays empty and validation decides
      child.unref();
    } finally {
      closeSync(fd);
    }
    prefetched = { dir, file };
    const cleanup = dir;
    process.once("exit", () => rmSync(cleanup, { recursive: true, force: true }));
  } catch {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The version of the terraform binary cdktf would use (TERRAFORM_BINARY_NAME), cached. */
export function installedTerraformVersion(): string | undefined {
  if (!installed && prefetched) {
    // A complete answer parses; an empty or partial file (not finished, or no binary) does not.
    try {
      const version = versionOf(readFileSync(prefetched.file, "utf8"));
      if (version !== undefined) installed = { version };
    } catch {
      // fall through to running it now
    }
    rmSync(prefetched.dir, { recursive: true, force: true });
    prefetched = undefined;
  }
  if (!installed) {
    let version: string | undefined;
    try {
      version = versionOf(execFileSync(terraformBinary(), ["version", "-json"], { stdio: ["ignore", "pipe", "ignore"], encoding: "utf8", timeout: 20000 }));
    } catch {
      version = undefined;
    }
    installed = { version };
  }
  return installed.version;
}

/** `a` < `b` for dotted numeric versions ("1.10.2" vs "1.9"). */
export function versionLessThan(a: string, b: string): boolean {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isNaN(pa[i] ?? 0) ? 0 : (pa[i] ?? 0);
    const y = Number.isNaN(pb[i] ?? 0) ? 0 : (pb[i] ?? 0);
    if (x !== y) return x < y;
  }
  return false;
}

class TerraformVersionValidation implements IValidation {
  public readonly needs = new Map<string, string>();

  public validate(): string[] {
    const version = installedTerraformVersion();
    if (version === undefined) return [];
    const problems: string[] = [];
    for (const [minimum, why] of this.needs) {
      if (versionLessThan(version, minimum)) {
        problems.push(`terraform ${version} is too old for this stack: ${why}; install Terraform ${minimum} or later`);
      }
    }
    return problems;
  }
}

const validations = new WeakMap<TerraformStack, TerraformVersionValidation>();

/** Record that the stack of `scope` needs Terraform >= `minimum` (reason in `why`). */
export function requireTerraformVersion(scope: Construct, minimum: string, why: string): void {
  const stack = TerraformStack.of(scope);
  let validation = validations.get(stack);
  if (!validation) {
    prefetchTerraformVersion();
    validation = new TerraformVersionValidation();
    validations.set(stack, validation);
    stack.node.addValidation(validation);
  }
  if (!validation.needs.has(minimum)) validation.needs.set(minimum, why);
}
