/**
 * The package groups a synthesized stack declares: the content resources (null_resource
 * `triggers` / terraform_data `triggers_replace`) whose trigger keys (contract TRIGGER_KEYS)
 * hold a full spec, read back with the same rules the provisioners use.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { specFromEnvironment } from "../contract/environment";
import { PackageGroupSpec, SPEC_ENV, SPEC_FIELDS, TRIGGER_KEYS } from "../contract/spec";
import { specProblemsError } from "./commands/spec-problems";
import { ConfigError } from "./errors";

/** Every cdk.tf.json at most three directories below `dir`. */
export function synthFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`diff: ${dir} is not a directory (pass the cdktf synth output, e.g. cdktf.out/stacks/<stack>)`);
  const found: string[] = [];
  const walk = (d: string, depth: number) => {
    const file = join(d, "cdk.tf.json");
    if (existsSync(file)) found.push(file);
    if (depth === 0) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) if (entry.isDirectory()) walk(join(d, entry.name), depth - 1);
  };
  walk(dir, 3);
  return found.sort();
}

export interface DeclaredGroup {
  /** The cdk.tf.json that declares it. */
  readonly file: string;
  /** Terraform address of the content resource, e.g. `null_resource.gatk_content_1A2B3C`. */
  readonly resource: string;
  readonly spec: PackageGroupSpec;
}

/** Content resources: null_resource `triggers` / terraform_data `triggers_replace` holding a full spec. */
export function declaredGroups(file: string): DeclaredGroup[] {
  let json: any;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`diff: ${file} is not JSON: ${(error as Error).message}`);
  }
  const out: DeclaredGroup[] = [];
  for (const [type, key] of [["null_resource", "triggers"], ["terraform_data", "triggers_replace"]] as const) {
    for (const [name, resource] of Object.entries<any>(json?.resource?.[type] ?? {})) {
      const triggers = resource?.[key];
      if (!triggers || typeof triggers !== "object" || typeof triggers[TRIGGER_KEYS.paths] !== "string" || typeof triggers[TRIGGER_KEYS.group] !== "string") continue;
      const resourceName = `${type}.${name}`;
      if (Object.values(triggers).some((v) => typeof v === "string" && v.includes("${"))) {
        throw new ConfigError(`diff: ${resourceName} in ${file} has values only known at apply time (Terraform references); diff needs literal values`);
      }
      const env: Record<string, string> = {};
      for (const field of SPEC_FIELDS) env[SPEC_ENV[field]] = String(triggers[TRIGGER_KEYS[field]] ?? "");
      const parsed = specFromEnvironment(env);
      if (!parsed.ok) throw specProblemsError(parsed.problems);
      out.push({ file, resource: resourceName, spec: parsed.spec });
    }
  }
  return out;
}
