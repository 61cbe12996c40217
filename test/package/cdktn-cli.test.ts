/**
 * The path a CDK Terrain user takes, end to end, with cdktn-cli itself (consumer.test.ts drives
 * terraform directly): a fresh app laid out as `cdktn init --template=typescript` lays it out
 * (cdktf.json running `npx ts-node main.ts`, cdktn's future flags, the template's tsconfig) with
 * cdktn 0.24, constructs 10.7.x and the packed tarball, and cdktn-cli 0.24 on Node >= 22.19
 * (from npm's node-<platform>-<arch> when the Node running jest is older):
 * `cdktn synth` → `cdktn deploy --auto-approve` of a TERRAFORM_DATA group against dli-local (the
 * group is live with exactly the declared packages) → `cdktn deploy` again (no change, 0 API
 * calls) → `cdktn destroy --auto-approve` (the group is gone). The provisioners run on the same
 * PATH, so their `node` is that Node 22 too.
 * Needs the npm registry (or a warm npm cache) and terraform: without them it skips, reason printed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { probeTerraform, startCommand, terraformEnvironment, TerraformRun } from "../lifecycle/support/terraform";
import { CdktnCliInstall, cdktnPath, installCdktnCli, renderCdktnInitApp } from "./support/cdktn-cli";
import { ConsumerApp, createConsumerApp, packThisPackage, probeRegistry } from "./support/consumer-app";
import { ROOT } from "./support/packed-app";

jest.setTimeout(300_000);

const OBS = "https://dli-consumer.obs.cn-north-4.myhuaweicloud.com";
const STACK = "consumer";
const DECLARED = [
  { name: "a.csv", kind: "file", status: "READY", path: `${OBS}/jobs/a.csv` },
  { name: "b.py", kind: "file", status: "READY", path: `${OBS}/jobs/b.py` },
];

/** The launcher a provisioner command runs: `exec /bin/sh "${path.module}/<path>" …` (JSON-escaped quotes). */
const RUNTIME_IN_COMMAND = /exec \/bin\/sh \\"\$\{path\.module\}\/([^"\\]+\/dli-packages\.sh)\\"/;

const terraformProbe = probeTerraform();
const registry = probeRegistry();
const install: CdktnCliInstall = registry.ok ? installCdktnCli(join(ROOT, ".tmp", "cdktn-cli")) : { ok: false, reason: registry.reason };
// Printed on purpose: a skipped run must be visible in CI logs, with its reason.
if (!terraformProbe.ok) console.warn(`cdktn-cli end-to-end test skipped: ${terraformProbe.reason}`);
else if (!install.ok) console.warn(`cdktn-cli end-to-end test skipped: ${install.reason}`);
else console.log(`cdktn-cli ${install.cli.detail}`);
const describeWithCli = terraformProbe.ok && install.ok ? describe : describe.skip;

describeWithCli("cdktn-cli 0.24 on Node >= 22.19: synth, deploy, re-deploy, destroy a fresh cdktn app's TERRAFORM_DATA group", () => {
  const cli = () => {
    if (!install.ok) throw new Error(install.reason);
    return install.cli;
  };
  let app: ConsumerApp;
  let emulator: RunningEmulator;
  const cleanup: string[] = [];
  const started = Date.now();

  beforeAll(async () => {
    const packed = packThisPackage();
    cleanup.push(join(packed.tarball, ".."));
    app = createConsumerApp("cdktn-cli", ["cdktn@0.24.0", "constructs@~10.7.0", packed.tarball, "typescript@~5.9.3", "ts-node@^10.9.2", "@types/node@^22"]);
    cleanup.push(app.dir);
    console.log(`npm pack: ${packed.ms} ms; app: npm install cdktn constructs <tarball> typescript ts-node @types/node: ${app.install.ms} ms, exit ${app.install.code}`);
    if (app.install.code !== 0) throw new Error(`npm install in the app failed:\n${app.install.output}`);
    renderCdktnInitApp(cli(), app.dir, STACK, {
      imports: `import { FilePackageGroup, ResourceType } from "cdktf-dli-packages/cdktn";`,
      stackBody: [
        `    new FilePackageGroup(this, "reports", {`,
        `      group: "reports",`,
        `      region: "cn-north-4",`,
        `      paths: [${DECLARED.map((p) => JSON.stringify(p.path)).join(", ")}],`,
        `      resourceType: ResourceType.TERRAFORM_DATA,`,
        `    });`,
      ].join("\n"),
    });
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    await emulator?.close();
    cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    console.log(`cdktn-cli end-to-end: ${Date.now() - started} ms from app install to destroy`);
  });

  /** The environment of every cdktn command: Node 22 first on PATH, the emulator's endpoints and keys, the CLI's home inside the app. */
  const cdktnEnvironment = () =>
    terraformEnvironment({ ...emulator.env, PATH: cdktnPath(cli()), CDKTF_HOME: join(app.dir, ".cdktf-home"), DLI_PACKAGES_MAX_ATTEMPTS: "2" });

  /** Runs `cdktn <args>` in the app; fails with its output unless it exits 0. Returns its output without colors and the API calls by method. */
  async function cdktn(args: string[]): Promise<{ output: string; calls: Record<string, number> }> {
    emulator.clearRequests();
    const begin = Date.now();
    const run: TerraformRun = await startCommand(cli().bin, args, app.dir, cdktnEnvironment()).done;
    const output = stripVTControlCharacters(run.output);
    console.log(`cdktn ${args.join(" ")}: ${Date.now() - begin} ms, exit ${run.code}`);
    if (run.code !== 0) throw new Error(`cdktn ${args.join(" ")} failed (exit ${run.code}):\n${output}`);
    const calls: Record<string, number> = {};
    for (const request of emulator.requests()) calls[request.method] = (calls[request.method] ?? 0) + 1;
    return { output, calls };
  }

  const live = () =>
    emulator
      .groups()
      .find((g) => g.group === "reports")
      ?.packages.map(({ name, kind, status, path }) => ({ name, kind, status, path }))
      .sort((a, b) => a.name.localeCompare(b.name));

  test("the cdktn process's node (and the provisioners') is Node >= 22.19", () => {
    const version = spawnSync("node", ["--version"], { encoding: "utf8", env: cdktnEnvironment() }).stdout.trim();
    expect(version).toBe(cli().nodeVersion);
    const [major, minor] = version.slice(1).split(".").map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(22_19);
  });

  test("cdktn synth: the stack with the runtime asset, and no API call", async () => {
    const { output, calls } = await cdktn(["synth"]);
    expect(output).toContain(`Generated Terraform code for the stacks: ${STACK}`);
    expect(calls).toEqual({});
    const stackDir = join(app.dir, "cdktf.out", "stacks", STACK);
    const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    expect(config["//"].metadata.version).toMatch(/^0\.24\./);
    expect(Object.keys(config.resource.terraform_data)).toHaveLength(2);
    // The provisioners run the launcher cdktn copied into the stack's assets, the bundle beside it.
    const commands = JSON.stringify(config.resource.terraform_data);
    expect(commands).toMatch(RUNTIME_IN_COMMAND);
    expect(existsSync(join(stackDir, RUNTIME_IN_COMMAND.exec(commands)![1]))).toBe(true);
    expect(existsSync(join(stackDir, RUNTIME_IN_COMMAND.exec(commands)![1].replace(/\.sh$/, ".js")))).toBe(true);
  });

  test("cdktn deploy --auto-approve: the group is live with exactly the declared packages", async () => {
    const { output, calls } = await cdktn(["deploy", "--auto-approve"]);
    expect(output).toMatch(/Apply complete! Resources: 2 added, 0 changed, 0 destroyed/);
    expect(live()).toEqual(DECLARED);
    expect(calls.POST).toBe(1);
    expect(calls.DELETE).toBeUndefined();
  });

  test("cdktn deploy again: no changes, zero API calls", async () => {
    const { output, calls } = await cdktn(["deploy", "--auto-approve"]);
    expect(output).toMatch(/Resources: 0 added, 0 changed, 0 destroyed/);
    expect(calls).toEqual({});
    expect(live()).toEqual(DECLARED);
  });

  test("cdktn destroy --auto-approve: the group is gone", async () => {
    const { output, calls } = await cdktn(["destroy", "--auto-approve"]);
    expect(output).toMatch(/Destroy complete! Resources: 2 destroyed/);
    expect(live()).toBeUndefined();
    expect(calls.DELETE).toBe(DECLARED.length);
  });
});
