/**
 * `dli-packages delete-group --group G --region R [--project-id P] [--kind K] [--yes]`: the
 * by-name form for people (an orphan that `diff --orphans` reported, a group left behind).
 * It shows what it is about to delete, asks on a terminal (or takes `--yes`), then runs the
 * delete-group core, the same code the destroy-time provisioner runs.
 */
import { createInterface } from "node:readline/promises";
import { listNames } from "../../contract/bounded-text";
import { PackageGroupIdentity } from "../../contract/environment";
import { checkGroupName, checkKind, checkProjectId, checkRegion, SpecProblem } from "../../contract/rules";
import { EXIT_CODES, PACKAGE_KINDS, PackageKind, SPEC_SCHEMA_VERSION } from "../../contract/spec";
import { ConfigError } from "../errors";
import { createProgress, silentProgress } from "../progress";
import { openSession } from "../session";
import { deleteGroupByIdentity } from "./delete-group";

export const DELETE_GROUP_BY_NAME_HELP = `By name (for people): dli-packages delete-group --group G --region R [--project-id P] [--kind K] [--yes]

Deletes every package of group G in the project (--project-id, else HW_PROJECT_ID, else IAM)
of region R, after showing them. On a terminal it asks first; when stdin is not a terminal
(CI, pipes) --yes is required. --kind K refuses to delete unless every package of the group
is of kind K (${PACKAGE_KINDS.join(", ")}). Endpoint override: HW_DLI_ENDPOINT.
Exit codes: 0 deleted (or nothing to delete), 1 failed or not confirmed, 2 usage (or no --yes
without a terminal).`;

export interface DeleteByNameOptions {
  /** The group to delete (`--group`). @default - required: a usage error without it */
  readonly group?: string;
  /** Its region (`--region`). @default - required: a usage error without it */
  readonly region?: string;
  /** Its project (`--project-id`). @default - HW_PROJECT_ID, else IAM */
  readonly projectId?: string;
  /** Refuse unless every package of the group is of this kind (`--kind`). @default - any kind */
  readonly kind?: string;
  /** Delete without asking (`--yes`); required when stdin is not a terminal. @default false */
  readonly yes?: boolean;
}

/** How the command talks to the person; the CLI passes the process's terminal. */
export interface ConfirmationIo {
  readonly stdinIsTerminal: boolean;
  /** Ask a yes/no question; resolves true only on an explicit yes. */
  confirm(question: string): Promise<boolean>;
  /** Where progress lines go. */
  progress(line: string): void;
}

export const terminalIo: ConfirmationIo = {
  get stdinIsTerminal() {
    return process.stdin.isTTY === true;
  },
  async confirm(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^(y|yes)$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  },
  progress: (line) => process.stderr.write(line),
};

/** Flags the by-name form adds to `delete-group`; any of them selects it. */
export const BY_NAME_FLAGS = ["group", "region", "project-id", "kind", "yes"] as const;

export async function deleteGroupByName(env: NodeJS.ProcessEnv, options: DeleteByNameOptions, io: ConfirmationIo = terminalIo): Promise<number> {
  const problems: SpecProblem[] = [
    ...(options.group === undefined ? [{ field: "group", value: undefined, rule: "required (--group G)" }] : checkGroupName(options.group)),
    ...(options.region === undefined ? [{ field: "region", value: undefined, rule: "required (--region R)" }] : checkRegion(options.region)),
    ...checkProjectId(options.projectId),
    ...(options.kind === undefined ? [] : checkKind(options.kind)),
  ];
  if (problems.length > 0) {
    throw new ConfigError(`delete-group: ${problems.map((p) => `--${flagOf(p.field)}${p.value === undefined ? "" : ` ${JSON.stringify(p.value)}`} — ${p.rule}`).join("; ")}`);
  }
  const group = options.group!;
  const region = options.region!;
  // Before any request: nobody can answer a question on a pipe.
  if (!options.yes && !io.stdinIsTerminal) {
    throw new ConfigError(`delete-group --group ${group}: stdin is not a terminal, so nobody can confirm; add --yes to delete every package of group ${group}`);
  }

  const session = await openSession({ region, specProjectId: options.projectId, env, progress: silentProgress });
  const projectId = session.client.projectId;
  let live;
  try {
    live = await session.client.getGroup(group);
  } finally {
    await session.close();
  }
  const log = createProgress(`delete-group group=${group}`, (line) => io.progress(line));
  if (!live || live.packages.length === 0) {
    log.step(`group ${group} not found in project ${projectId} (${region}): nothing to delete`);
    return EXIT_CODES.ok;
  }
  const kinds = [...new Set(live.packages.map((p) => p.type ?? "unknown"))];
  if (options.kind !== undefined && kinds.some((k) => k !== options.kind)) {
    throw new ConfigError(`delete-group --group ${group} --kind ${options.kind}: the group holds ${kinds.join(", ")} packages; check the group name, or drop --kind to delete them all`);
  }
  const names = live.packages.map((p) => p.name);
  const what = `group ${group} in project ${projectId} (${region}): ${names.length} package${names.length === 1 ? "" : "s"} (${listNames(names)})`;
  if (!options.yes && !(await io.confirm(`delete every package of ${what}? [y/N] `))) {
    log.step("not confirmed: nothing deleted");
    return EXIT_CODES.operationFailed;
  }
  // The identity's kind only labels the delete (every package of the group goes): the one asked
  // for, else the kind the listing shows.
  const kind = (options.kind ?? kinds.find((k) => PACKAGE_KINDS.includes(k as PackageKind)) ?? "file") as PackageKind;
  const identity: PackageGroupIdentity = { schemaVersion: SPEC_SCHEMA_VERSION, kind, group, region, projectId, endpoint: undefined };
  log.step(`deleting ${what}`);
  await deleteGroupByIdentity(identity, env, log);
  return EXIT_CODES.ok;
}

function flagOf(field: string): string {
  return field === "projectId" ? "project-id" : field;
}
