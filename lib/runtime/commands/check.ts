/**
 * `dli-packages check`: the program behind `PackageGroupDriftCheck`'s scoped `data "external"`
 * (contract/drift-check.ts), run by Terraform at every plan and apply.
 *
 * It speaks the hashicorp/external program protocol: the query (one JSON object of strings) on
 * stdin, the result (one flat JSON object of strings) on stdout, nothing on stderr. It reads each
 * project's group list once whatever the number of groups (the API has no group filter,
 * dli-api.md §1.3), only ever sends GET, and never fails the plan: a fault (no credentials, no
 * network, throttling past its short bound, a hostile override) becomes the one line of the
 * result's `error` key, which the stack's assertions turn into one warning.
 */
import { boundedLine, renderName } from "../../contract/bounded-text";
import { CHECK_RESULT_KEYS } from "../../contract/drift-check";
import { specFromEnvironment } from "../../contract/environment";
import { PackageGroupSpec, SPEC_VARIABLE } from "../../contract/spec";
import { LiveGroup } from "../dli-client";
import { compareGroup, describeComparison } from "../drift";
import { oneLine } from "../errors";
import { silentProgress } from "../progress";
import { openSession } from "../session";

export const CHECK_HELP = `Usage: dli-packages check   (run by terraform: the data "external" of PackageGroupDriftCheck)

Reads on stdin a JSON object mapping each content resource address to its trigger map as
JSON (the external data source's query), reads each project's group list once (GET only,
never a write) and writes one flat JSON object of strings on stdout: for each group "" when
it is in sync, else one line naming what is missing, extra or not READY and how to repair it;
"error": "" or the one line saying why DLI could not be read; "summary".
Credentials and endpoint overrides as for upload-group.
Exit codes: 0 whenever the result was written (faults go into "error", so a plan never
fails on them), 2 for a usage error (stdin is a terminal).`;

/**
 * Retry bounds of a check unless the environment sets its own: a plan waits for it, so a fault
 * or a throttled project gives up after seconds, not the two minutes an upload may wait.
 */
export const CHECK_RETRY_DEFAULTS: Readonly<Record<string, string>> = {
  DLI_PACKAGES_MAX_ATTEMPTS: "3",
  DLI_PACKAGES_RETRY_TOTAL_MS: "20000",
  DLI_PACKAGES_REQUEST_TIMEOUT_MS: "10000",
};

/** Whole-run bound: past it the result says so and the plan goes on. */
export const CHECK_DEADLINE_MS = 60_000;

/** Largest query accepted (1,000 groups take about 1 MB). */
const MAX_QUERY_BYTES = 32 * 1024 * 1024;

interface QueriedGroup {
  readonly address: string;
  readonly spec: PackageGroupSpec;
}

/** Groups that share one listing: same region, project and endpoint. */
interface Project {
  readonly region: string;
  readonly projectId?: string;
  readonly endpoint?: string;
  readonly groups: QueriedGroup[];
}

/** Runs a check on `input` (the query text) and writes the result; resolves to the exit code. */
export async function check(env: NodeJS.ProcessEnv, input: string, write: (text: string) => Promise<void> = writeStdout, deadlineMs = CHECK_DEADLINE_MS): Promise<number> {
  const result: Record<string, string> = { [CHECK_RESULT_KEYS.error]: "", [CHECK_RESULT_KEYS.summary]: "" };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer from DLI within ${deadlineMs / 1000} s (the next plan checks again)`), deadlineMs);
  });
  try {
    const checked = checkInto(result, env, input).catch((error) => `internal error: ${oneLine(error instanceof Error ? error.message : String(error))}`);
    const problem = await Promise.race([checked, deadline]);
    if (problem !== undefined) {
      // A fault leaves no group half-reported: one warning, every group unchecked.
      for (const key of Object.keys(result)) if (key.includes(".")) result[key] = "";
      result[CHECK_RESULT_KEYS.error] = boundedLine(`dli-packages check: ${problem}; no package group was checked`);
    }
  } finally {
    clearTimeout(timer);
  }
  await write(JSON.stringify(result) + "\n");
  return 0;
}

/** Resolves once the text is handed to the OS: the CLI exits right after, and a pipe takes a large result (1,000 groups: ~250 KB) in several writes. */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

/** Fills `result`; resolves to the fault's line, or undefined when every group was compared. */
async function checkInto(result: Record<string, string>, env: NodeJS.ProcessEnv, input: string): Promise<string | undefined> {
  let groups: QueriedGroup[];
  try {
    groups = queriedGroups(input);
  } catch (error) {
    return (error as Error).message;
  }
  for (const { address } of groups) result[address] = "";
  const projects = byProject(groups);
  const sessionEnv = withCheckRetryDefaults(env);
  let requests = 0;
  let drifted = 0;
  for (const project of projects) {
    let live: LiveGroup[];
    try {
      const session = await openSession({ region: project.region, specProjectId: project.projectId, specEndpoint: project.endpoint, env: sessionEnv, progress: silentProgress });
      try {
        live = await session.client.listGroups();
      } finally {
        requests += session.requestCount();
        await session.close();
      }
    } catch (error) {
      return `could not read DLI (${project.region}): ${oneLine(error instanceof Error ? error.message : String(error))}`;
    }
    const byName = new Map(live.map((g) => [g.name, g]));
    for (const { address, spec } of project.groups) {
      const problems = describeComparison(compareGroup(spec, byName.get(spec.group)));
      if (problems.length === 0) continue;
      drifted++;
      result[address] = boundedLine(
        `DLI package group ${renderName(spec.group)} (${spec.kind}, ${spec.region}) is not what the stack declares: ${problems.join("; ")}. ` +
          `Repair: terraform apply -replace='${renderName(address)}' (or: dli-packages diff <synth dir> --repair)`,
      );
    }
  }
  const n = groups.length;
  result[CHECK_RESULT_KEYS.summary] =
    `${n} group${n === 1 ? "" : "s"} checked in ${projects.length} project${projects.length === 1 ? "" : "s"}: ` +
    `${drifted === 0 ? "all in sync" : `${drifted} not as declared`} (${requests} request${requests === 1 ? "" : "s"})`;
  return undefined;
}

/** `env` with {@link CHECK_RETRY_DEFAULTS} for each retry variable it leaves unset or blank. */
function withCheckRetryDefaults(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(CHECK_RETRY_DEFAULTS)) if ((out[name] ?? "").trim() === "") out[name] = value;
  return out;
}

/** The query: `{ "<content resource address>": "<its trigger map as JSON>" }`, each read as its upload provisioner reads it. */
function queriedGroups(input: string): QueriedGroup[] {
  if (input.length > MAX_QUERY_BYTES) throw new Error(`the query on stdin is larger than ${MAX_QUERY_BYTES} bytes`);
  let query: unknown;
  try {
    query = JSON.parse(input);
  } catch (error) {
    throw new Error(`the query on stdin is not JSON (${oneLine((error as Error).message)}); terraform's data "external" sends a JSON object`);
  }
  if (query === null || typeof query !== "object" || Array.isArray(query)) throw new Error(`the query on stdin is not a JSON object`);
  const groups: QueriedGroup[] = [];
  for (const [address, value] of Object.entries(query as Record<string, unknown>)) {
    if (!address.includes(".")) continue; // not a resource address: a key for a later version
    const where = `query entry ${renderName(address)}`;
    if (typeof value !== "string") throw new Error(`${where} is not a string (the external data source's query is a map of strings)`);
    const parsed = specFromEnvironment({ [SPEC_VARIABLE]: value });
    if (!parsed.ok) {
      const first = parsed.problems[0];
      throw new Error(`${where} is not a package-group spec: ${first.field}: ${first.rule}${parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more problems)` : ""}`);
    }
    groups.push({ address, spec: parsed.spec });
  }
  return groups;
}

function byProject(groups: readonly QueriedGroup[]): Project[] {
  const projects = new Map<string, Project>();
  for (const group of groups) {
    const { region, projectId, endpoint } = group.spec;
    const key = JSON.stringify([region, projectId ?? "", endpoint ?? ""]);
    let project = projects.get(key);
    if (!project) projects.set(key, (project = { region, projectId, endpoint, groups: [] }));
    project.groups.push(group);
  }
  return [...projects.values()];
}
