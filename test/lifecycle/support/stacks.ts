/**
 * Synthesizes real cdktf apps into one fixed output directory, the way `cdktf synth` does
 * between two applies: Terraform keeps its state beside `cdk.tf.json` in the stack directory.
 */
import { App, LocalBackend, TerraformStack } from "cdktf";
import { join } from "node:path";

/** Synthesizes stack `name` (built by `declare`) into `outdir`; returns the stack directory. */
export function synthStack(outdir: string, name: string, declare: (stack: TerraformStack) => void): string {
  return synthApp(outdir, { [name]: declare })[name];
}

/** Synthesizes one App with a stack per entry into `outdir`; returns each stack's directory. */
export function synthApp(outdir: string, stacks: Record<string, (stack: TerraformStack) => void>): Record<string, string> {
  const app = new App({ outdir });
  const dirs: Record<string, string> = {};
  for (const [name, declare] of Object.entries(stacks)) {
    const stack = new TerraformStack(app, name);
    // A relative state path keeps the state in the stack directory (the default is absolute).
    new LocalBackend(stack, { path: "terraform.tfstate" });
    declare(stack);
    dirs[name] = join(outdir, "stacks", name);
  }
  app.synth();
  return dirs;
}

/** An OBS object URL in the example bucket, for the test region. */
export function obsPath(key: string, region = "cn-north-4"): string {
  return `https://dli-e2e.obs.${region}.myhuaweicloud.com/${key}`;
}
