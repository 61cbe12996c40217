/**
 * `dli-packages`: the apply-time CLI (design.md §4). Terraform provisioners run
 * `node dli-packages.js upload-group` / `delete-group`; `ls` (and `diff`) are for people.
 * Commands are loaded lazily: `--help` and usage errors never load the HTTP client or crypto.
 * Exit codes (contract EXIT_CODES): 0 ok, 1 operation failed, 2 usage or configuration.
 */
import { parseArgs } from "node:util";
import { boundedLine, renderValue } from "../contract/bounded-text";
import { EXIT_CODES } from "../contract/spec";
import { ConfigError, exitCodeOf, oneLine } from "./errors";

const MAIN_HELP = `Usage: dli-packages <command> [options]

Commands:
  upload-group   upload the group in the DLI_PACKAGES_* env vars, wait until READY, make it exact
  delete-group   delete every package of the group in the DLI_PACKAGES_* env vars, or by
                 name: --group G --region R [--project-id P] [--kind K] [--yes]
  ls             list live groups and packages (--group G, --kind K, --json)
  diff <dir>     compare a synthesized stack (cdktf.out/stacks/<stack>) with what is live
                 (--json, --repair, --orphans [--prefix P])
  staging gc <stack dir>… --staging <prefix> [--yes] [--older-than D]
                 list (--yes: delete) staged OBS objects no scanned stack declares
  check          the drift check terraform runs at plan time (PackageGroupDriftCheck): a
                 JSON query on stdin, a JSON result on stdout; never writes, never fails a plan

Run "dli-packages <command> --help" for details.
Exit codes: 0 ok, 1 operation failed, 2 usage or configuration error (diff: 2 on drift or orphans).`;

type Run = (argv: string[], env: NodeJS.ProcessEnv) => Promise<number>;

const COMMANDS: Record<string, Run> = {
  "upload-group": async (argv, env) => {
    const { UPLOAD_GROUP_HELP, uploadGroup } = await import("./commands/upload-group");
    if (parse(argv, {}, UPLOAD_GROUP_HELP).help) return help(UPLOAD_GROUP_HELP);
    await uploadGroup(env);
    return EXIT_CODES.ok;
  },
  "delete-group": async (argv, env) => {
    const { DELETE_GROUP_HELP, deleteGroup } = await import("./commands/delete-group");
    const byName = await import("./commands/delete-group-by-name");
    const usage = `${DELETE_GROUP_HELP}\n\n${byName.DELETE_GROUP_BY_NAME_HELP}`;
    const args = parse(
      argv,
      { group: { type: "string" }, region: { type: "string" }, "project-id": { type: "string" }, kind: { type: "string" }, yes: { type: "boolean" } },
      usage,
    );
    if (args.help) return help(usage);
    if (byName.BY_NAME_FLAGS.some((flag) => args[flag] !== undefined)) {
      return byName.deleteGroupByName(env, {
        group: args.group as string | undefined,
        region: args.region as string | undefined,
        projectId: args["project-id"] as string | undefined,
        kind: args.kind as string | undefined,
        yes: args.yes as boolean | undefined,
      });
    }
    await deleteGroup(env);
    return EXIT_CODES.ok;
  },
  ls: async (argv, env) => {
    const { LS_HELP, ls } = await import("./commands/ls");
    const args = parse(argv, { group: { type: "string" }, kind: { type: "string" }, json: { type: "boolean" } }, LS_HELP);
    if (args.help) return help(LS_HELP);
    await ls(env, { group: args.group as string | undefined, kind: args.kind as string | undefined, json: args.json as boolean | undefined });
    return EXIT_CODES.ok;
  },
  diff: async (argv, env) => {
    const { DIFF_HELP, diff } = await import("./commands/diff");
    const args = parse(argv, { json: { type: "boolean" }, repair: { type: "boolean" }, orphans: { type: "boolean" }, prefix: { type: "string" } }, DIFF_HELP, true);
    if (args.help) return help(DIFF_HELP);
    if (args.positionals.length !== 1) throw new ConfigError(`diff takes one synth directory (got ${args.positionals.length}); see dli-packages diff --help`);
    return diff(env, args.positionals[0], {
      json: args.json as boolean | undefined,
      repair: args.repair as boolean | undefined,
      orphans: args.orphans as boolean | undefined,
      prefix: args.prefix as string | undefined,
    });
  },
  staging: async (argv, env) => {
    const { STAGING_GC_HELP, stagingGc } = await import("./commands/staging-gc");
    const args = parse(argv, { staging: { type: "string" }, yes: { type: "boolean" }, "older-than": { type: "string" } }, STAGING_GC_HELP, true);
    if (args.help) return help(STAGING_GC_HELP);
    const [sub, ...dirs] = args.positionals;
    if (sub !== "gc") throw new ConfigError(`unknown subcommand ${renderValue(sub ?? "")}; the one subcommand is gc`, STAGING_GC_HELP);
    return stagingGc(env, dirs, { staging: args.staging as string | undefined, yes: args.yes as boolean | undefined, olderThan: args["older-than"] as string | undefined });
  },
  check: async (argv, env) => {
    const { CHECK_HELP, check } = await import("./commands/check");
    if (parse(argv, {}, CHECK_HELP).help) return help(CHECK_HELP);
    if (process.stdin.isTTY) throw new ConfigError(`check reads the external data source's query on stdin (terraform sends it); pipe a JSON object into it`, CHECK_HELP);
    return check(env, await readStdin());
  },
};

/** All of stdin as UTF-8 text. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

type OptionSpec = Record<string, { type: "string" | "boolean" }>;

function parse(argv: string[], options: OptionSpec, usage: string, positionals = false): Record<string, unknown> & { help?: boolean; positionals: string[] } {
  try {
    const { values, positionals: rest } = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: positionals, strict: true });
    return { ...values, positionals: rest } as Record<string, unknown> & { help?: boolean; positionals: string[] };
  } catch (error) {
    throw new ConfigError(oneLine((error as Error).message), usage);
  }
}

function help(text: string): number {
  process.stdout.write(text + "\n");
  return EXIT_CODES.ok;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      if (command === undefined) {
        process.stderr.write(MAIN_HELP + "\n");
        return EXIT_CODES.usageOrConfig;
      }
      return help(MAIN_HELP);
    }
    const run = COMMANDS[command];
    if (!run) throw new ConfigError(`unknown command ${JSON.stringify(command)}`, MAIN_HELP);
    return await run(rest, env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const known = error instanceof Error && ["ConfigError", "OperationError", "ApiError", "TransportError", "ResponseShapeError"].includes(error.name);
    // The message may carry values from the input or from a service answer (codes, names, ids):
    // all of it is one line, bounded and escaped. Only our own usage text follows it.
    const line = known ? message : `internal error: ${oneLine(message)}`;
    const usage = error instanceof ConfigError && error.usage ? `${error.usage}\n` : "";
    process.stderr.write(`${boundedLine(`dli-packages: ${command ?? ""}${command ? ": " : ""}error: ${line}`)}\n${usage}`);
    return exitCodeOf(error);
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    () => process.exit(EXIT_CODES.operationFailed),
  );
}
