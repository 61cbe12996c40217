/**
 * The packed package in fresh apps, installed the way users install it (npm pack → npm install
 * of the tarball from the registry's point of view):
 * - a CDK Terrain app (cdktn 0.24, constructs 10.7.x): no cdktf in its tree, `/cdktn` and
 *   `/emulator` type-check, both resource types synthesize without @cdktf/provider-null, and
 *   Terraform creates / re-applies (0 calls) / changes a path (no DELETE) / destroys against
 *   dli-local;
 * - a cdktf app (cdktf 0.21, constructs 10.8): installs without ERESOLVE and without cdktn or
 *   @cdktf/provider-null, synthesizes NULL_RESOURCE without it (our own hashicorp/null classes,
 *   as on cdktn) and next to a user's own provider-null; the same Terraform steps make the same
 *   API calls as on cdktn;
 * - both type-check with TypeScript 5.9 and 7 under module CommonJS (node10 on TS 5; TS 7
 *   removed node10), node16 and bundler, with skipLibCheck off.
 * Needs the npm registry (or a warm npm cache): without it the tests skip, reason printed.
 */
import { rmSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { initIfNeeded, probeTerraform, recordInit, terraform, TerraformRun } from "../lifecycle/support/terraform";
import { ConsumerApp, createConsumerApp, packThisPackage, probeRegistry } from "./support/consumer-app";
import { RESOLUTION_MODES, typeCheck } from "./support/type-check";

jest.setTimeout(300_000);

const registry = probeRegistry();
const terraformProbe = probeTerraform();
// Printed on purpose: a skipped consumer run must be visible in CI logs, with its reason.
if (!registry.ok) console.warn(`packed-package consumer tests skipped: ${registry.reason}`);
if (!terraformProbe.ok) console.warn(`consumer terraform steps skipped: ${terraformProbe.reason}`);
const describeWithRegistry = registry.ok ? describe : describe.skip;
const describeWithTerraform = registry.ok && terraformProbe.ok ? describe : describe.skip;

const TYPESCRIPTS = { "TypeScript 5.9": "typescript", "TypeScript 7": "typescript-7" } as const;
const TYPESCRIPT_SPECS = ["typescript@~5.9.3", "typescript-7@npm:typescript@^7.0.2", "@types/node@^20.19.0"];
const CONSUMER_MODES = ["module CommonJS (cdktf init; node10 on TS 5)", "node16", "bundler"];
const OBS = "https://dli-consumer.obs.cn-north-4.myhuaweicloud.com";

let tarball = "";
const cleanup: string[] = [];
beforeAll(() => {
  if (!registry.ok) return;
  const packed = packThisPackage();
  tarball = packed.tarball;
  cleanup.push(dirname(tarball));
  console.log(`npm pack: ${packed.ms} ms (${registry.detail})`);
});
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A JS synth script in the app: one FilePackageGroup on the app's core, into a fixed outdir (state stays beside cdk.tf.json). */
const SYNTH_SCRIPT = `
const [core, entry, resourceType, outdir, paths] = process.argv.slice(2);
const { App, LocalBackend, TerraformStack } = require(core);
const library = require(entry);
try {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "consumer");
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new library.FilePackageGroup(stack, "reports", { group: "reports", region: "cn-north-4", paths: paths.split(","), resourceType });
  app.synth();
} catch (error) {
  process.stderr.write(error.message);
  process.exit(1);
}
`;

/** The TypeScript a user of `core` writes, using the entry, the emulator subpath and the core's own classes. */
function consumerSource(core: string, entry: string): string {
  return `import { App, TerraformResource, TerraformStack } from "${core}";
import { FilePackageGroup, JarPackageGroup, ResourceType } from "${entry}";
import { startEmulator } from "cdktf-dli-packages/emulator";

const app = new App();
const stack = new TerraformStack(app, "consumer");
const files = new FilePackageGroup(stack, "files", {
  group: "files",
  region: "cn-north-4",
  paths: ["${OBS}/jobs/a.csv"],
  resourceType: ResourceType.TERRAFORM_DATA,
});
const jars = new JarPackageGroup(stack, "jars", { group: "jars", region: "cn-north-4", paths: ["${OBS}/jobs/x.jar"] });
// The lifecycle resources are classes of the app's own core.
export const lifecycle: TerraformResource[] = [files.contentResource, jars.identityResource];
export const ref: string = jars.packageRef("x.jar");
export const emulator: typeof startEmulator = startEmulator;
app.synth();
`;
}

/** The type-check tests of one app: each TypeScript × each resolution mode. */
function typeCheckTests(getApp: () => ConsumerApp, core: string, entry: string): void {
  const cases = Object.keys(TYPESCRIPTS).flatMap((ts) => CONSUMER_MODES.map((mode) => [ts, mode] as [keyof typeof TYPESCRIPTS, string]));
  test.each(cases)("type-checks with %s under %s (skipLibCheck off)", (ts, mode) => {
    const app = getApp();
    const tsc = join(app.dir, "node_modules", TYPESCRIPTS[ts], "bin", "tsc");
    const name = `main-${ts.replace(/\W/g, "")}-${CONSUMER_MODES.indexOf(mode)}`;
    const result = typeCheck(app.dir, tsc, name, consumerSource(core, entry), RESOLUTION_MODES[mode]);
    console.log(`${core} app, ${ts}, ${mode}: tsc ${result.ms} ms`);
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  test.each(Object.keys(TYPESCRIPTS) as (keyof typeof TYPESCRIPTS)[])("%s reports an export the entry does not have (the check can fail)", (ts) => {
    const app = getApp();
    const tsc = join(app.dir, "node_modules", TYPESCRIPTS[ts], "bin", "tsc");
    const source = `import { NoSuchConstruct } from "${entry}";\nexport const value = NoSuchConstruct;\n`;
    const result = typeCheck(app.dir, tsc, `wrong-${ts.replace(/\W/g, "")}`, source, {});
    expect(result.ok).toBe(false);
    expect(result.output).toContain("NoSuchConstruct");
  });
}

/** Installs the app in beforeAll (one install per app), printing its time. */
function installedApp(label: string, specs: () => string[]): () => ConsumerApp {
  let app: ConsumerApp | undefined;
  beforeAll(() => {
    app = createConsumerApp(label, specs());
    cleanup.push(app.dir);
    console.log(`${label} app: npm install ${specs().map((s) => (s === tarball ? "<tarball>" : s)).join(" ")}: ${app.install.ms} ms, exit ${app.install.code}`);
  });
  return () => {
    if (!app) throw new Error(`${label} app was not installed`);
    return app;
  };
}

/** Per-step API calls against the emulator, by method, for comparing the cores. */
type CallCounts = Record<string, Record<string, number>>;
const callCounts: Partial<Record<"cdktf" | "cdktn", CallCounts>> = {};

/** create → re-apply → change a path → destroy, for a terraform_data stack synthesized in `app`. */
function terraformSteps(core: "cdktf" | "cdktn", getApp: () => ConsumerApp, entry: string): void {
  let emulator: RunningEmulator;
  let outdir: string;
  const counts: CallCounts = {};
  const env = () => ({ ...emulator.env, DLI_PACKAGES_MAX_ATTEMPTS: "2", DLI_PACKAGES_RETRY_BASE_MS: "20" });
  const stackDir = () => join(outdir, "stacks", "consumer");
  const synth = (keys: string[]) => {
    const app = getApp();
    const result = app.node("consumer-synth.js", [core, entry, "terraform_data", outdir, keys.map((k) => `${OBS}/${k}`).join(",")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  };
  const step = async (name: string, args: string[]): Promise<TerraformRun> => {
    await initIfNeeded(stackDir(), env()); // after a re-synth, as `cdktf deploy` does: a no-op while the providers stay the same
    emulator.clearRequests();
    const run = await terraform(stackDir(), args, env());
    if (run.code !== 0) throw new Error(`terraform ${args[0]} failed (exit ${run.code}):\n${run.output}`);
    counts[name] = {};
    for (const request of emulator.requests()) counts[name][request.method] = (counts[name][request.method] ?? 0) + 1;
    return run;
  };
  const live = () => emulator.groups().find((g) => g.group === "reports")?.packages.map((p) => p.name).sort();

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    outdir = join(getApp().dir, "out");
    writeFileSync(join(getApp().dir, "consumer-synth.js"), SYNTH_SCRIPT);
  });
  afterAll(async () => {
    await emulator?.close();
    callCounts[core] = counts;
  });

  test("create: the group exists with the declared packages", async () => {
    synth(["jobs/a.csv", "jobs/b.py"]);
    const init = await terraform(stackDir(), ["init", "-input=false"], env());
    expect(init.code).toBe(0);
    recordInit(stackDir());
    await step("create", ["apply", "-auto-approve", "-input=false"]);
    expect(live()).toEqual(["a.csv", "b.py"]);
  });

  test("re-apply unchanged: zero API calls", async () => {
    const run = await step("re-apply", ["apply", "-auto-approve", "-input=false"]);
    expect(run.output).toMatch(/No changes/);
    expect(counts["re-apply"]).toEqual({});
  });

  test("change a path: re-uploaded, no DELETE", async () => {
    synth(["jobs/a.csv", "jobs/c.json"]);
    await step("change path", ["apply", "-auto-approve", "-input=false"]);
    expect(live()).toEqual(["a.csv", "c.json"]);
    expect(counts["change path"].DELETE).toBeUndefined();
    expect(counts["change path"].POST).toBeGreaterThanOrEqual(1);
  });

  test("destroy: the group is gone", async () => {
    await step("destroy", ["destroy", "-auto-approve", "-input=false"]);
    expect(live()).toBeUndefined();
    expect(counts.destroy.DELETE).toBe(2);
  });
}

describeWithRegistry("a fresh CDK Terrain app: cdktn 0.24, constructs 10.7.x, the packed tarball", () => {
  const app = installedApp("cdktn", () => ["cdktn@0.24.0", "constructs@~10.7.0", tarball, ...TYPESCRIPT_SPECS]);

  test("installs without ERESOLVE and without cdktf or @cdktf/provider-null (npm ls)", () => {
    expect(app().install.output).not.toMatch(/ERESOLVE/);
    expect(app().install.code).toBe(0);
    for (const absent of ["cdktf", "@cdktf/provider-null"]) {
      const ls = app().ls(absent);
      console.log(`cdktn app: npm ls ${absent} →\n${ls.output}`);
      expect(ls.output).toMatch(/\(empty\)/);
    }
    const present = app().ls("cdktn");
    console.log(`cdktn app: npm ls cdktn →\n${present.output}`);
    expect(present.output).toMatch(/cdktn@0\.24\.\d+/);
    expect(app().ls("constructs").output).toMatch(/constructs@10\.7\.\d+/);
  });

  typeCheckTests(app, "cdktn", "cdktf-dli-packages/cdktn");

  test("synthesizes null_resource (own hashicorp/null classes) and terraform_data", () => {
    writeFileSync(join(app().dir, "consumer-synth.js"), SYNTH_SCRIPT);
    for (const type of ["null_resource", "terraform_data"]) {
      const outdir = join(app().dir, `synth-${type}`);
      const result = app().node("consumer-synth.js", ["cdktn", "cdktf-dli-packages/cdktn", type, outdir, `${OBS}/jobs/a.jar`]);
      expect(result.stderr).toBe("");
      const config = JSON.parse(readFileSync(join(outdir, "stacks", "consumer", "cdk.tf.json"), "utf8"));
      expect(Object.keys(config.resource[type])).toHaveLength(2);
      expect(config["//"].metadata.version).toMatch(/^0\.24\./);
      if (type === "null_resource") expect(config.terraform.required_providers.null).toEqual({ source: "null", version: "3.2.4" });
    }
  });

  describeWithTerraform("terraform against dli-local (terraform_data)", () => terraformSteps("cdktn", app, "cdktf-dli-packages/cdktn"));
});

describeWithRegistry("a fresh cdktf app: cdktf 0.21, constructs 10.8, the packed tarball", () => {
  const app = installedApp("cdktf", () => ["cdktf@0.21.0", "constructs@^10.8.0", tarball, ...TYPESCRIPT_SPECS]);

  test("installs without ERESOLVE and without cdktn or @cdktf/provider-null (npm ls)", () => {
    expect(app().install.output).not.toMatch(/ERESOLVE/);
    expect(app().install.code).toBe(0);
    for (const absent of ["cdktn", "@cdktf/provider-null"]) {
      const ls = app().ls(absent);
      console.log(`cdktf app: npm ls ${absent} →\n${ls.output}`);
      expect(ls.output).toMatch(/\(empty\)/);
    }
    const present = app().ls("cdktf");
    console.log(`cdktf app: npm ls cdktf →\n${present.output}`);
    expect(present.output).toMatch(/cdktf@0\.21\.\d+/);
    expect(app().ls("constructs").output).toMatch(/constructs@10\.8\.\d+/);
  });

  typeCheckTests(app, "cdktf", "cdktf-dli-packages");

  test("NULL_RESOURCE without @cdktf/provider-null: synthesizes (own hashicorp/null classes, as on cdktn)", () => {
    writeFileSync(join(app().dir, "consumer-synth.js"), SYNTH_SCRIPT);
    expect(app().ls("@cdktf/provider-null").output).toMatch(/\(empty\)/);
    const outdir = join(app().dir, "no-null");
    const result = app().node("consumer-synth.js", ["cdktf", "cdktf-dli-packages", "null_resource", outdir, `${OBS}/jobs/a.jar`]);
    expect(result.stderr).toBe("");
    const config = JSON.parse(readFileSync(join(outdir, "stacks", "consumer", "cdk.tf.json"), "utf8"));
    expect(Object.keys(config.resource.null_resource)).toHaveLength(2);
    expect(config.terraform.required_providers.null).toEqual({ source: "null", version: "3.2.4" });
  });

  test("…and the same once the app installs @cdktf/provider-null itself (still no cdktn)", () => {
    const added = app().add(["@cdktf/provider-null@^11.0.1"]);
    console.log(`cdktf app: npm install @cdktf/provider-null: ${added.ms} ms, exit ${added.code}`);
    expect(added.code).toBe(0);
    const outdir = join(app().dir, "with-null");
    const result = app().node("consumer-synth.js", ["cdktf", "cdktf-dli-packages", "null_resource", outdir, `${OBS}/jobs/a.jar`]);
    expect(result.stderr).toBe("");
    const config = JSON.parse(readFileSync(join(outdir, "stacks", "consumer", "cdk.tf.json"), "utf8"));
    const without = JSON.parse(readFileSync(join(app().dir, "no-null", "stacks", "consumer", "cdk.tf.json"), "utf8"));
    expect(config).toEqual(without);
    expect(app().ls("cdktn").output).toMatch(/\(empty\)/);
  });

  describeWithTerraform("terraform against dli-local (terraform_data)", () => terraformSteps("cdktf", app, "cdktf-dli-packages"));
});

describeWithTerraform("both cores", () => {
  test("make the same API calls, step by step", () => {
    console.log(`API calls per step: ${JSON.stringify(callCounts)}`);
    expect(Object.keys(callCounts.cdktn ?? {})).toEqual(["create", "re-apply", "change path", "destroy"]);
    expect(callCounts.cdktn).toEqual(callCounts.cdktf);
  });
});
