/**
 * cdktn-cli the way a CDK Terrain user runs it, for the end-to-end test of its synth / deploy /
 * destroy path:
 * - the CLI and a Node that satisfies its engines (>= 22.19), installed from the npm registry by
 *   npm (the way `.ci/run` gets everything else; nothing global) into a cache directory under
 *   the repo's gitignored `.tmp/`. The Node is the `node-<platform>-<arch>` package (a plain
 *   binary, no install script); when the Node running the tests is new enough, it is used as is;
 * - an app laid out as `cdktn init --template=typescript` lays it out, rendered from the
 *   templates inside the installed CLI (bundle/templates/typescript).
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { NPM_FLAGS, npm } from "./consumer-app";

export const CDKTN_CLI_VERSION = "0.24.0";
/** cdktn-cli 0.24's `engines.node`. */
const MINIMUM_NODE = { major: 22, minor: 19 };
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;

export interface CdktnCli {
  /** The `cdktn` bin script; its `#!/usr/bin/env node` runs the first `node` on PATH. */
  readonly bin: string;
  /** A directory whose `node` is Node >= 22.19, to put first on the cdktn process's PATH. */
  readonly nodeDir: string;
  /** `node --version` of that Node. */
  readonly nodeVersion: string;
  /** The CLI's project templates (`cdktn init --template=<name>` copies `<dir>/<name>`). */
  readonly templatesDir: string;
  /** What the install did and how long it took, for the test log. */
  readonly detail: string;
}

export type CdktnCliInstall = { ok: true; cli: CdktnCli } | { ok: false; reason: string };

function isNodeNewEnough(version: string): boolean {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MINIMUM_NODE.major || (major === MINIMUM_NODE.major && minor >= MINIMUM_NODE.minor);
}

/**
 * Installs cdktn-cli (and, if this Node is older than 22.19, a Node 22 from npm) into
 * `cacheDir` with one `npm install` of a pinned package.json: a no-op when the cache is warm.
 * Synchronous on purpose: it runs at module load, so jest can choose `describe` or
 * `describe.skip` up front.
 */
export function installCdktnCli(cacheDir: string): CdktnCliInstall {
  const ownNodeIsEnough = isNodeNewEnough(process.version);
  const dependencies: Record<string, string> = { "cdktn-cli": CDKTN_CLI_VERSION };
  if (!ownNodeIsEnough) dependencies[NODE_PACKAGE] = `^${MINIMUM_NODE.major}.${MINIMUM_NODE.minor}.0`;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, "package.json"), JSON.stringify({ name: "cdktn-cli-cache", private: true, dependencies }, null, 2));
  const install = npm(cacheDir, ["install", ...NPM_FLAGS]);
  const specs = Object.entries(dependencies).map(([name, range]) => `${name}@${range}`).join(" ");
  if (install.code !== 0) {
    return { ok: false, reason: `npm install ${specs} into ${cacheDir} failed (exit ${install.code}: ${install.output.split("\n")[0]})` };
  }
  const nodeDir = ownNodeIsEnough ? dirname(process.execPath) : join(cacheDir, "node_modules", NODE_PACKAGE, "bin");
  const version = spawnSync(join(nodeDir, "node"), ["--version"], { encoding: "utf8" });
  const nodeVersion = (version.stdout ?? "").trim();
  if (version.status !== 0 || !isNodeNewEnough(nodeVersion)) {
    return { ok: false, reason: `${join(nodeDir, "node")} --version gave '${nodeVersion || version.error?.message}', cdktn-cli needs >= ${MINIMUM_NODE.major}.${MINIMUM_NODE.minor}` };
  }
  const cliDir = join(cacheDir, "node_modules", "cdktn-cli");
  const bin = join(cliDir, "bin", "cdktn");
  if (!existsSync(bin)) return { ok: false, reason: `npm install ${specs} left no ${bin}` };
  const node = ownNodeIsEnough ? `this Node ${process.version}` : `${NODE_PACKAGE} ${nodeVersion}`;
  return {
    ok: true,
    cli: { bin, nodeDir, nodeVersion, templatesDir: join(cliDir, "bundle", "templates"), detail: `npm install ${specs}: ${install.ms} ms (${node})` },
  };
}

/** PATH for the cdktn process: the Node >= 22.19 first, so cdktn, `npx ts-node` and the provisioners' `node` all run on it. */
export function cdktnPath(cli: CdktnCli): string {
  return `${cli.nodeDir}${delimiter}${process.env.PATH ?? ""}`;
}

/** What the test adds to the template's `main.ts`: imports after the cdktn one, code in the stack's constructor. */
export interface MainSource {
  readonly imports: string;
  readonly stackBody: string;
}

/**
 * Writes `cdktf.json`, `tsconfig.json` and `main.ts` into `appDir` as `cdktn init
 * --template=typescript --project-name=<stackName>` renders them: the template's placeholders
 * filled the way the CLI fills them (project id, crash reports off, the future flags of the
 * app's cdktn as context), then `source` put into `main.ts`. The packages are the app's own
 * install (init would add jest and ts-jest too, which this path does not use).
 */
export function renderCdktnInitApp(cli: CdktnCli, appDir: string, stackName: string, source: MainSource): void {
  const template = join(cli.templatesDir, "typescript");
  const futureFlags = (createRequire(join(appDir, "package.json"))("cdktn/lib/features") as { FUTURE_FLAGS: Record<string, string> }).FUTURE_FLAGS;
  const fill = (text: string) =>
    text
      .replace(/\{\{\s*\$base\s*\}\}/g, stackName)
      .replace("{{projectId}}", randomUUID())
      .replace("{{sendCrashReports}}", "false")
      .replace("{{futureFlags}}", Object.entries(futureFlags).map(([name, value]) => `    "${name}": "${value}"`).join(",\n"));
  const cdktfJson = fill(readFileSync(join(template, "cdktf.json"), "utf8"));
  JSON.parse(cdktfJson); // a placeholder left unfilled would make it invalid: fail here, not in the CLI
  writeFileSync(join(appDir, "cdktf.json"), cdktfJson);
  writeFileSync(join(appDir, "tsconfig.json"), readFileSync(join(template, "tsconfig.json")));
  const main = fill(readFileSync(join(template, "main.ts"), "utf8"));
  const coreImport = /^import \{[^}]*\} from "cdktn";\n/m;
  const placeholder = "    // define resources here\n";
  if (!coreImport.test(main) || !main.includes(placeholder)) {
    throw new Error(`${join(template, "main.ts")} no longer has the cdktn import and '${placeholder.trim()}': update renderCdktnInitApp`);
  }
  writeFileSync(join(appDir, "main.ts"), main.replace(coreImport, (line) => `${line}${source.imports}\n`).replace(placeholder, `${source.stackBody}\n`));
}
