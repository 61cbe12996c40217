/**
 * Where Terraform runs without a usable node (issue 10 §3): every synthesized provisioner
 * command, run exactly as Terraform's local-exec runs it (`/bin/sh -c <command>` in the stack
 * directory, `${path.module}` = ".", `${self.…}` from the resource's own triggers), fails with
 * one line of ours when `node` is missing or older than 20, and runs the runtime otherwise.
 */
import { App, LocalBackend, TerraformStack } from "cdktf";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { FilePackageGroup, PackageGroupRemoval, ResourceType } from "../../lib";
import { props, resolveSelf } from "./support/helpers";

interface SynthesizedCommand {
  readonly where: string;
  readonly command: string;
  readonly environment: Record<string, string>;
}

let workdir: string;
let stackDir: string;
let commands: SynthesizedCommand[];

/** Every local-exec of the stack (resources and removed blocks), resolved as Terraform would. */
function provisionerCommands(config: any): SynthesizedCommand[] {
  const found: SynthesizedCommand[] = [];
  const collect = (where: string, body: any, triggersOf: any) => {
    for (const provisioner of body.provisioner ?? []) {
      const exec = provisioner["local-exec"];
      const resolve = (text: string) => resolveSelf(text, triggersOf).replace(/\$\{path\.module\}/g, ".");
      found.push({
        where,
        command: resolve(exec.command),
        environment: Object.fromEntries(Object.entries<string>(exec.environment ?? {}).map(([k, v]) => [k, resolve(v)])),
      });
    }
  };
  for (const [type, byName] of Object.entries<any>(config.resource ?? {})) {
    for (const [name, body] of Object.entries<any>(byName)) collect(`${type}.${name}`, body, body);
  }
  // A removed block reads `self` from the state; any trigger values do for running the command.
  const stateLike = { triggers_replace: new Proxy({}, { has: () => true, get: () => "gatk" }) };
  for (const block of config.removed ?? []) collect(`removed ${block.from}`, block, stateLike);
  return found;
}

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), "dli-node-guard-"));
  const app = new App({ outdir: join(workdir, "out") });
  const stack = new TerraformStack(app, "guard");
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new FilePackageGroup(stack, "gatk", props({ resourceType: ResourceType.TERRAFORM_DATA }));
  new PackageGroupRemoval(stack, "old", { resourceType: ResourceType.TERRAFORM_DATA });
  app.synth();
  stackDir = join(workdir, "out", "stacks", "guard");
  commands = provisionerCommands(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")));
});
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

/** A directory holding only a `node` that reports `version` and logs any other call. */
function stubNodeDir(version: string): { dir: string; log: string } {
  const dir = join(workdir, `stub-${version}`);
  const log = join(dir, "calls.log");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "node"),
    `#!/bin/sh\nif [ "$1" = --version ]; then echo ${version}; exit 0; fi\necho "$*" >> "${log}"\n`,
  );
  chmodSync(join(dir, "node"), 0o755);
  return { dir, log };
}

/** `/bin/sh -c <command>` in the stack directory with only `path` as PATH, as local-exec does. */
function runAsLocalExec({ command, environment }: SynthesizedCommand, path: string) {
  const result = spawnSync("/bin/sh", ["-c", command], { cwd: stackDir, env: { PATH: path, ...environment }, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const README_POINTER = 'see "Running where Terraform runs" in the cdktf-dli-packages README';

test("the stack has the three provisioner commands: upload-group, delete-group, removed-block delete-group", () => {
  expect(commands.map((c) => `${c.where.split(".")[0]} ${c.command.split(" ").pop()}`).sort()).toEqual([
    "removed terraform_data delete-group",
    "terraform_data delete-group",
    "terraform_data upload-group",
  ]);
});

test("no node on PATH → one line of ours naming what is missing and the README section, exit 2", () => {
  const empty = join(workdir, "empty-path");
  mkdirSync(empty, { recursive: true });
  for (const command of commands) {
    const result = runAsLocalExec(command, empty);
    expect([command.where, result.code, result.stdout]).toEqual([command.where, 2, ""]);
    expect(result.stderr).toBe(`dli-packages: no node on PATH: Node.js 20 or later must be on PATH where terraform runs; ${README_POINTER}\n`);
  }
});

test.each(["v18.20.4", "v19.9.0", "v8.17.0", "v2.0.0"])("a node that reports %j → one line naming that version, exit 2, runtime never started", (version) => {
  const stub = stubNodeDir(version);
  for (const command of commands) {
    const result = runAsLocalExec(command, stub.dir);
    expect([command.where, result.code, result.stdout]).toEqual([command.where, 2, ""]);
    expect(result.stderr).toBe(`dli-packages: node on PATH is ${version}, older than 20: Node.js 20 or later must be on PATH where terraform runs; ${README_POINTER}\n`);
  }
  expect(existsSync(stub.log)).toBe(false);
});

test.each(["v20.0.0", "v22.11.0", "v100.1.0"])("a node that reports %s runs the bundled runtime with the subcommand", (version) => {
  const stub = stubNodeDir(version);
  for (const command of commands) expect(runAsLocalExec(command, stub.dir)).toEqual({ code: 0, stdout: "", stderr: "" });
  expect(readFileSync(stub.log, "utf8").trim().split("\n").sort()).toEqual([
    "./assets/DliPackagesRuntime/0.2.0/dli-packages.js delete-group",
    "./assets/DliPackagesRuntime/0.2.0/dli-packages.js delete-group",
    "./assets/DliPackagesRuntime/0.2.0/dli-packages.js upload-group",
  ]);
});

test("with this machine's node the real runtime starts (no credentials → its own exit 2 line, not the guard's)", () => {
  const upload = commands.find((c) => c.command.endsWith(" upload-group"))!;
  const result = runAsLocalExec(upload, dirname(process.execPath));
  expect(result.code).toBe(2);
  expect(result.stderr).not.toContain("Running where Terraform runs");
  expect(result.stderr).toMatch(/^dli-packages: .*HW_ACCESS_KEY/m);
});

test("the launcher shipped beside the bundle is LAUNCHER_SCRIPT, and it execs node on the bundle beside it by name", () => {
  const { LAUNCHER_SCRIPT } = require("../../lib/constructs/node-guard");
  const shipped = readFileSync(join(__dirname, "..", "..", "dist", "runtime", "dli-packages.sh"), "utf8");
  expect(shipped).toBe(LAUNCHER_SCRIPT);
  expect(LAUNCHER_SCRIPT).toContain('exec node "$here/dli-packages.js" "$@"');
});
