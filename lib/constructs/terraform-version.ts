/**
 * One synth-time check per stack that the Terraform on PATH is recent enough for what the
 * stack uses (`terraform_data`: 1.4; `removed` blocks with provisioners: 1.9).
 *
 * `terraform version` runs at most once per process. Without a terraform binary the check
 * passes: synthesizing needs no terraform, and `terraform apply` will need one anyway (which
 * is where an old version is caught on a machine that synthesizes elsewhere).
 */
import { TerraformStack } from "./framework";
import { execFileSync } from "node:child_process";
import { Construct, IValidation } from "constructs";

let installed: { version: string | undefined } | undefined;

/** The version of the terraform binary cdktf would use (TERRAFORM_BINARY_NAME), cached. */
export function installedTerraformVersion(): string | undefined {
  if (!installed) {
    let version: string | undefined;
    try {
      const output = execFileSync(process.env.TERRAFORM_BINARY_NAME || "terraform", ["version", "-json"], {
        stdio: ["ignore", "pipe", "ignore"],
        encoding: "utf8",
        timeout: 20000,
      });
      version = (JSON.parse(output) as { terraform_version?: string }).terraform_version;
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
    validation = new TerraformVersionValidation();
    validations.set(stack, validation);
    stack.node.addValidation(validation);
  }
  if (!validation.needs.has(minimum)) validation.needs.set(minimum, why);
}
