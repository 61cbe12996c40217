/**
 * `dli-packages diff <synth dir>`: the groups a synthesized stack declares (found by the
 * content resources' triggers, contract TRIGGER_KEYS) against what is live. Exit 2 on drift.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { specFromEnvironment } from "../../contract/environment";
import { packageNameOf } from "../../contract/rules";
import { EXIT_CODES, PackageGroupSpec, SPEC_ENV, SPEC_FIELDS, TRIGGER_KEYS } from "../../contract/spec";
import { LiveGroup } from "../dli-client";
import { ConfigError } from "../errors";
import { silentProgress } from "../progress";
import { openSession, Session } from "../session";
import { specProblemsError } from "./spec-problems";

export const DIFF_HELP = `Usage: dli-packages diff <synth dir>

Compares the package groups declared in a synthesized stack (a directory holding cdk.tf.json,
e.g. cdktf.out/stacks/my-stack, or cdktf.out itself) with what is live in DLI: missing or
extra packages, packages not READY, missing groups.

Credentials and endpoint overrides as for upload-group; region and project come from each
group's spec (HW_PROJECT_ID or IAM when the spec has none).
Exit codes: 0 in sync, 2 drift (or a usage/configuration error), 1 the comparison failed.`;

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
  readonly file: string;
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

export function describeDrift(spec: PackageGroupSpec, live: LiveGroup | undefined): string[] {
  if (!live || live.packages.length === 0) return [`group missing (declares ${spec.paths.length} package${spec.paths.length === 1 ? "" : "s"})`];
  const declared = spec.paths.map(packageNameOf);
  const byName = new Map(live.packages.map((p) => [p.name, p]));
  const problems: string[] = [];
  const missing = declared.filter((n) => !byName.has(n));
  const extra = live.packages.map((p) => p.name).filter((n) => !declared.includes(n));
  const notReady = declared.filter((n) => byName.has(n) && byName.get(n)!.status !== "READY").map((n) => `${n} (${byName.get(n)!.status})`);
  if (missing.length > 0) problems.push(`missing: ${missing.join(", ")}`);
  if (extra.length > 0) problems.push(`extra: ${extra.join(", ")}`);
  if (notReady.length > 0) problems.push(`not READY: ${notReady.join(", ")}`);
  return problems;
}

export async function diff(env: NodeJS.ProcessEnv, dir: string, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const files = synthFiles(dir);
  if (files.length === 0) throw new ConfigError(`diff: no cdk.tf.json under ${dir} (run cdktf synth first)`);
  const declared = files.flatMap(declaredGroups);
  if (declared.length === 0) throw new ConfigError(`diff: no DLI package groups declared in ${files.map((f) => relative(process.cwd(), f)).join(", ")}`);
  // One session (and one listing) per distinct region / project / endpoint.
  const sessions = new Map<string, Promise<{ session: Session; groups: Promise<LiveGroup[]> }>>();
  let drifted = 0;
  try {
    for (const { spec, resource } of declared) {
      const key = `${spec.region}|${spec.projectId ?? ""}|${spec.endpoint ?? ""}`;
      if (!sessions.has(key)) {
        sessions.set(
          key,
          openSession({ region: spec.region, specProjectId: spec.projectId, specEndpoint: spec.endpoint, env, progress: silentProgress }).then((session) => ({ session, groups: session.client.listGroups() })),
        );
      }
      const live = (await (await sessions.get(key)!).groups).find((g) => g.name === spec.group);
      const problems = describeDrift(spec, live);
      if (problems.length > 0) drifted++;
      write(`${spec.group} (${spec.kind}, ${spec.region}) ${resource}: ${problems.length === 0 ? `in sync (${spec.paths.length} READY)` : `DRIFT — ${problems.join("; ")}`}\n`);
    }
  } finally {
    for (const pending of sessions.values()) await pending.then(({ session }) => session.close(), () => undefined);
  }
  write(drifted === 0 ? `no drift (${declared.length} group${declared.length === 1 ? "" : "s"})\n` : `drift in ${drifted} of ${declared.length} group${declared.length === 1 ? "" : "s"}\n`);
  return drifted === 0 ? EXIT_CODES.ok : EXIT_CODES.drift;
}
