/**
 * `dli-packages diff <synth dir> [--json] [--repair] [--orphans [--prefix P]]`: the groups a
 * synthesized stack declares against what is live, read with one listing per project. Terraform
 * cannot see a group changed in the console; this is the out-of-band check for pipelines.
 * `--repair` converges each drifted or missing group with upload-group's own core; orphans are
 * reported with the command to delete them, never deleted here.
 */
import { dirname, relative, sep } from "node:path";
import { boundedLine, listNames } from "../../contract/bounded-text";
import { EXIT_CODES } from "../../contract/spec";
import { DeclaredGroup, declaredGroups, synthFiles } from "../declared-groups";
import { LiveGroup } from "../dli-client";
import { DiffReport, DIFF_REPORT_SCHEMA_VERSION, GroupReport, OrphanReport, RepairReport } from "../diff-report";
import { compareGroup, describeComparison, GroupComparison } from "../drift";
import { ConfigError, oneLine } from "../errors";
import { findOrphans, Orphan } from "../orphans";
import { createProgress, silentProgress } from "../progress";
import { openSession, Session } from "../session";
import { stageFilesAndConverge } from "./upload-group";

export const DIFF_HELP = `Usage: dli-packages diff <synth dir> [--json] [--repair] [--orphans [--prefix P]]

Compares the package groups declared in a synthesized stack (a directory holding cdk.tf.json,
e.g. cdktf.out/stacks/my-stack, or cdktf.out itself) with what is live in DLI: missing or
extra packages, packages not READY, missing groups.
  --json       one JSON document on stdout (schema: schemas/diff-report.schema.json)
  --repair     converge every drifted or missing group exactly as upload-group does
               (upload, wait until READY, delete undeclared packages, verify); nothing else
  --orphans    also list live groups of the same projects that no scanned stack declares,
               with the delete-group command to remove each (never deleted by diff)
  --prefix P   with --orphans: only orphans whose name starts with P (shared projects)

Credentials and endpoint overrides as for upload-group; region and project come from each
group's spec (HW_PROJECT_ID or IAM when the spec has none).
Exit codes: 0 in sync (or every drifted group repaired), 2 drift or orphans left (or a usage
error), 1 the comparison or a repair failed.`;

export interface DiffOptions {
  /** Write the JSON report instead of lines. @default false */
  readonly json?: boolean;
  /** Converge each drifted or missing group with upload-group's core. @default false */
  readonly repair?: boolean;
  /** Also report live groups no scanned stack declares. @default false */
  readonly orphans?: boolean;
  /** With `orphans`: only names starting with this. @default - every orphan */
  readonly prefix?: string;
}

interface Checked {
  readonly declared: DeclaredGroup;
  readonly projectId: string;
  readonly comparison: GroupComparison;
  repair: RepairReport | null;
}

/** The projects the specs point at: one session and one listing each. */
interface Scope {
  readonly session: Session;
  readonly region: string;
  readonly endpoint?: string;
  readonly live: LiveGroup[];
}

export async function diff(env: NodeJS.ProcessEnv, dir: string, options: DiffOptions = {}, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  if (options.prefix !== undefined && !options.orphans) throw new ConfigError(`diff: --prefix narrows the orphan report; add --orphans`);
  if (options.prefix === "") throw new ConfigError(`diff: --prefix needs a non-empty group-name prefix`);
  const files = synthFiles(dir);
  if (files.length === 0) throw new ConfigError(`diff: no cdk.tf.json under ${dir} (run cdktf synth first)`);
  const declared = files.flatMap(declaredGroups);
  if (declared.length === 0) throw new ConfigError(`diff: no DLI package groups declared in ${files.map((f) => relative(process.cwd(), f)).join(", ")}`);

  const scopes = new Map<string, Promise<Scope>>();
  const checked: Checked[] = [];
  try {
    for (const d of declared) {
      const { region, projectId, endpoint } = d.spec;
      const key = `${region}|${projectId ?? ""}|${endpoint ?? ""}`;
      if (!scopes.has(key)) scopes.set(key, openScope(env, region, projectId, endpoint));
      const scope = await scopes.get(key)!;
      const live = scope.live.find((g) => g.name === d.spec.group);
      checked.push({ declared: d, projectId: scope.session.client.projectId, comparison: compareGroup(d.spec, live), repair: null });
    }
  } finally {
    for (const pending of scopes.values()) await pending.then(({ session }) => session.close(), () => undefined);
  }
  const resolved = await Promise.all(scopes.values());

  if (options.repair) {
    for (const entry of checked) if (entry.comparison.state !== "in-sync") entry.repair = await repair(entry.declared, env);
  }
  const orphans = options.orphans ? orphansOf(resolved, checked, options.prefix) : null;

  const report = toReport(checked, orphans, options.repair ?? false);
  write(options.json ? JSON.stringify(report, null, 2) + "\n" : lines(checked, orphans, options.prefix));
  const { totals } = report;
  if ((totals.repairFailed ?? 0) > 0) return EXIT_CODES.operationFailed;
  const unresolved = options.repair ? 0 : totals.drift + totals.missing;
  return unresolved + (totals.orphans ?? 0) === 0 ? EXIT_CODES.ok : EXIT_CODES.drift;
}

async function openScope(env: NodeJS.ProcessEnv, region: string, specProjectId: string | undefined, endpoint: string | undefined): Promise<Scope> {
  const session = await openSession({ region, specProjectId, specEndpoint: endpoint, env, progress: silentProgress });
  return { session, region, endpoint, live: await session.client.listGroups() };
}

/** upload-group, as is (staged files included): a repaired group is verified exact and READY, or the repair failed. */
async function repair(declared: DeclaredGroup, env: NodeJS.ProcessEnv): Promise<RepairReport> {
  const { spec } = declared;
  try {
    // Staged files are the stack's assets: their sources are relative to its directory.
    const result = await stageFilesAndConverge(spec, env, createProgress(`diff --repair ${spec.kind} group=${spec.group}`), dirname(declared.file));
    return { result: "repaired", deleted: [...result.deleted], error: null };
  } catch (error) {
    return { result: "failed", deleted: [], error: oneLine(error instanceof Error ? error.message : String(error)) };
  }
}

/** Per project (not per spec key: two specs may reach one project through HW_PROJECT_ID and their own id). */
function orphansOf(scopes: readonly Scope[], checked: readonly Checked[], prefix: string | undefined): Orphan[] {
  const seen = new Set<string>();
  const out: Orphan[] = [];
  for (const scope of scopes) {
    const projectId = scope.session.client.projectId;
    const key = `${scope.session.endpoint.href}|${projectId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const declared = new Set(checked.filter((c) => c.projectId === projectId && (c.declared.spec.endpoint ?? "") === (scope.endpoint ?? "")).map((c) => c.declared.spec.group));
    out.push(...findOrphans({ region: scope.region, projectId, endpoint: scope.endpoint, live: scope.live, declared }, prefix));
  }
  return out;
}

function toReport(checked: readonly Checked[], orphans: readonly Orphan[] | null, repairing: boolean): DiffReport {
  const groups: GroupReport[] = checked.map(({ declared, projectId, comparison, repair }) => ({
    stackFile: relative(process.cwd(), declared.file).split(sep).join("/"),
    resource: declared.resource,
    group: declared.spec.group,
    kind: declared.spec.kind,
    region: declared.spec.region,
    projectId,
    state: comparison.state,
    missing: [...comparison.missing],
    extra: [...comparison.extra],
    notReady: comparison.notReady.map((p) => p.name),
    repair,
  }));
  const count = (state: string) => groups.filter((g) => g.state === state).length;
  const repaired = groups.filter((g) => g.repair?.result === "repaired").length;
  const repairFailed = groups.filter((g) => g.repair?.result === "failed").length;
  const orphanReports: OrphanReport[] | null =
    orphans?.map((o) => ({
      group: o.group.name,
      region: o.region,
      projectId: o.projectId,
      packages: o.group.packages.map((p) => ({ name: p.name, kind: p.type ?? null, status: p.status })),
      deleteCommand: o.deleteCommand,
    })) ?? null;
  return {
    schemaVersion: DIFF_REPORT_SCHEMA_VERSION,
    groups,
    orphans: orphanReports,
    totals: {
      groups: groups.length,
      inSync: count("in-sync"),
      drift: count("drift"),
      missing: count("missing"),
      repaired: repairing ? repaired : null,
      repairFailed: repairing ? repairFailed : null,
      orphans: orphanReports ? orphanReports.length : null,
    },
  };
}

function lines(checked: readonly Checked[], orphans: readonly Orphan[] | null, prefix: string | undefined): string {
  const out: string[] = [];
  for (const { declared, comparison, repair } of checked) {
    const { spec, resource } = declared;
    const problems = describeComparison(comparison);
    const state = problems.length === 0 ? `in sync (${spec.paths.length} READY)` : `DRIFT — ${problems.join("; ")}`;
    out.push(`${spec.group} (${spec.kind}, ${spec.region}) ${resource}: ${state}${repair ? repairText(repair) : ""}`);
  }
  const drifted = checked.filter((c) => c.comparison.state !== "in-sync").length;
  const n = checked.length;
  const of = `${n} group${n === 1 ? "" : "s"}`;
  let summary = drifted === 0 ? `no drift (${of})` : `drift in ${drifted} of ${of}`;
  const repairs = checked.filter((c) => c.repair);
  if (repairs.length > 0) {
    const failed = repairs.filter((c) => c.repair!.result === "failed").length;
    summary += ` · repaired ${repairs.length - failed}${failed > 0 ? ` · repair failed for ${failed}` : ""}`;
  }
  out.push(summary);
  if (orphans) {
    const scope = prefix === undefined ? "" : ` starting with ${JSON.stringify(prefix)}`;
    out.push(orphans.length === 0 ? `no orphaned groups${scope}` : `${orphans.length} orphaned group${orphans.length === 1 ? "" : "s"}${scope} (live, declared by no scanned stack; diff never deletes them):`);
    for (const o of orphans) {
      const names = o.group.packages.map((p) => p.name);
      out.push(`  ${o.group.name} (${o.region}, project ${o.projectId}): ${names.length} package${names.length === 1 ? "" : "s"}: ${listNames(names)}`);
      out.push(`    delete with: ${o.deleteCommand}`);
    }
  }
  // Names come from the listing (another writer, the console): every line escaped and bounded.
  return out.map((line) => boundedLine(line)).join("\n") + "\n";
}

function repairText(repair: RepairReport): string {
  if (repair.result === "failed") return ` → repair FAILED: ${repair.error}`;
  return ` → repaired (uploaded${repair.deleted.length > 0 ? `, deleted ${listNames(repair.deleted)}` : ""}, verified)`;
}
