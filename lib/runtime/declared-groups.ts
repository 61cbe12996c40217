/**
 * The package groups a synthesized stack declares: the content resources (null_resource
 * `triggers` / terraform_data `triggers_replace`) whose trigger keys (contract TRIGGER_KEYS)
 * hold a full spec, read back with the same rules the provisioners use.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { renderName } from "../contract/bounded-text";
import { specFromEnvironment } from "../contract/environment";
import { PackageGroupSpec, SPEC_VARIABLE, TRIGGER_KEYS } from "../contract/spec";
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

/** A content resource of a synthesized stack: its address and its trigger map, as written. */
export interface ContentResource {
  readonly address: string;
  readonly triggers: Readonly<Record<string, unknown>>;
}

/**
 * Content resources: null_resource `triggers` / terraform_data `triggers_replace` holding at
 * least a group and paths (what the constructs write; contract TRIGGER_KEYS).
 */
export function contentResources(json: unknown): ContentResource[] {
  const out: ContentResource[] = [];
  const resources = (json as { resource?: Record<string, Record<string, Record<string, unknown>>> } | null)?.resource;
  for (const [type, key] of [["null_resource", "triggers"], ["terraform_data", "triggers_replace"]] as const) {
    const byName = resources?.[type];
    if (!byName || typeof byName !== "object") continue;
    for (const [name, resource] of Object.entries(byName)) {
      const triggers = resource?.[key] as Record<string, unknown> | undefined;
      if (!triggers || typeof triggers !== "object" || typeof triggers[TRIGGER_KEYS.paths] !== "string" || typeof triggers[TRIGGER_KEYS.group] !== "string") continue;
      out.push({ address: `${type}.${name}`, triggers });
    }
  }
  return out;
}

/** Content resources with their specs, read back with the same rules the provisioners use. */
export function declaredGroups(file: string): DeclaredGroup[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`diff: ${file} is not JSON: ${(error as Error).message}`);
  }
  return contentResources(json).map(({ address, triggers }) => {
    // a resource name is any JSON key: escaped and cut like every other name we print
    const where = `${renderName(address)} in ${file}`;
    if (Object.values(triggers).some((v) => typeof v === "string" && v.includes("${"))) {
      throw new ConfigError(`diff: ${where} has values only known at apply time (Terraform references); diff needs literal values`);
    }
    // What the upload provisioner gets: `DLI_PACKAGES_SPEC = jsonencode(<the trigger map>)`.
    const parsed = specFromEnvironment({ [SPEC_VARIABLE]: JSON.stringify(triggers) });
    if (!parsed.ok) throw specProblemsError(parsed.problems, `of ${where} (named as its upload provisioner would read it)`);
    return { file, resource: address, spec: parsed.spec };
  });
}
