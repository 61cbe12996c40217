/**
 * Proof that a foreign language can use the assemblies: a host drives the packed tarballs
 * through the jsii kernel process over stdio exactly as the Python runtime does (support/
 * kernel-host.ts): it loads constructs, the core and our tarball, creates App, TerraformStack,
 * LocalBackend and each package-group kind by fully qualified name with props as plain JSON
 * (enums as {"$jsii.enum": "fqn/MEMBER"}, Duration from its static methods), calls packageRef and
 * synthesizes. For both cores (cdktf-dli-packages on cdktf, cdktn-dli-packages on cdktn), every
 * kind and both resource types, the cdk.tf.json equals the TypeScript synth of the same stack
 * through the entry a TypeScript app imports. That stack applies, re-applies with 0 API calls
 * and destroys against dli-local with real terraform (terraform_data; null_resource needs the
 * hashicorp/null provider, which skips with the reason printed when it cannot be installed).
 * Invalid props reach the host as an error with the same message as in TypeScript.
 *
 * Needs the npm registry or a warm npm cache for the @jsii/runtime and core tarballs: without
 * it the tests skip, reason printed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { probeNullProvider, probeTerraform, terraform, TerraformRun } from "../lifecycle/support/terraform";
import { probeRegistry } from "../package/support/consumer-app";
import { enumRef, installedVersion, jsiiRuntimeProgram, KernelError, KernelHost, ObjRef, packDirectory, packFromRegistry, ROOT } from "./support/kernel-host";

jest.setTimeout(180_000);

const registry = probeRegistry();
const terraformProbe = probeTerraform();
if (!registry.ok) console.warn(`jsii kernel tests skipped: ${registry.reason}`);
if (registry.ok && !terraformProbe.ok) console.warn(`jsii kernel terraform steps skipped: ${terraformProbe.reason}`);
const describeWithRegistry = registry.ok ? describe : describe.skip;

type Core = "cdktf" | "cdktn";
const CORES: Record<Core, { pkg: string; dir: string; tsEntry: string }> = {
  cdktf: { pkg: "cdktf-dli-packages", dir: ROOT, tsEntry: join(ROOT, "dist", "lib", "index.js") },
  cdktn: { pkg: "cdktn-dli-packages", dir: join(ROOT, "build", "cdktn-dli-packages"), tsEntry: join(ROOT, "dist", "lib", "cdktn", "index.js") },
};
const KINDS = ["FilePackageGroup", "JarPackageGroup", "PyFilePackageGroup", "ModelFilePackageGroup"];
const TYPES = [
  ["null_resource", "NULL_RESOURCE"],
  ["terraform_data", "TERRAFORM_DATA"],
] as const;
const OBS = "https://dli-kernel.obs.cn-north-4.myhuaweicloud.com";
const PATHS = [`${OBS}/jobs/a.jar`, `${OBS}/jobs/b.py`];
// The emulator's default project (lib/emulator/options.ts), so the RETAIN group applies too.
const PROJECT_ID = "d1110ca1d1110ca1d1110ca1d1110ca1";

const scratch: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The stack every test builds: a group of `kind` (Duration wait), a RETAIN group (seconds wait), a removal. */
interface StackShape {
  kind: string;
  resourceType: (typeof TYPES)[number];
  group: string;
  paths: string[];
}

/** Our packed tarball of each core, packed once per run. */
const packed: Partial<Record<Core, string>> = {};

/** A kernel with constructs, the core and our tarball loaded, as a Python app's first import does. */
async function startKernel(core: Core): Promise<KernelHost> {
  const host = new KernelHost(jsiiRuntimeProgram(), tempDir("dli-kernel-cwd-"));
  expect(await host.hello()).toMatch(/^@jsii\/runtime@/);
  await host.load(packFromRegistry(`constructs@${installedVersion("constructs")}`), "constructs", installedVersion("constructs"));
  await host.load(packFromRegistry(`${core}@${installedVersion(core)}`), core, installedVersion(core));
  const ours = (packed[core] ??= packDirectory(CORES[core].dir, tempDir("dli-kernel-pack-")));
  const loaded = await host.load(ours, CORES[core].pkg, require(join(CORES[core].dir, "package.json")).version);
  expect(loaded.assembly).toBe(CORES[core].pkg);
  return host;
}

/** Synthesizes the stack through the kernel; returns the stack directory and what packageRef / packageNames answered. */
async function synthThroughKernel(host: KernelHost, core: Core, shape: StackShape, outdir: string) {
  const pkg = CORES[core].pkg;
  const resourceType = enumRef(`${pkg}.ResourceType`, shape.resourceType[1]);
  const app = await host.create(`${core}.App`, [{ outdir }]);
  const stack = await host.create(`${core}.TerraformStack`, [app, "stack"]);
  await host.create(`${core}.LocalBackend`, [stack, { path: "terraform.tfstate" }]);
  const wait = (await host.sinvoke(`${pkg}.Duration`, "minutes", [45])) as ObjRef;
  const group = await host.create(`${pkg}.${shape.kind}`, [stack, "group", { group: shape.group, region: "cn-north-4", paths: shape.paths, resourceType, waitTimeout: wait }]);
  await host.create(`${pkg}.${shape.kind}`, [
    stack,
    "kept",
    { group: `${shape.group}-kept`, region: "cn-north-4", paths: shape.paths, resourceType, removalPolicy: enumRef(`${pkg}.RemovalPolicy`, "RETAIN"), projectId: PROJECT_ID, waitTimeout: 600 },
  ]);
  await host.create(`${pkg}.PackageGroupRemoval`, [stack, "old", { resourceType }]);
  const ref = await host.invoke(group, "packageRef", ["a.jar"]);
  const names = await host.get(group, "packageNames");
  await host.invoke(app, "synth");
  return { stackDir: join(outdir, "stacks", "stack"), ref, names };
}

/** The same stack from TypeScript, through the entry a TypeScript app of `core` imports. */
function synthThroughTypeScript(core: Core, shape: StackShape, outdir: string): string {
  const framework = require(core);
  const library = require(CORES[core].tsEntry);
  const app = new framework.App({ outdir });
  const stack = new framework.TerraformStack(app, "stack");
  new framework.LocalBackend(stack, { path: "terraform.tfstate" });
  const resourceType = library.ResourceType[shape.resourceType[1]];
  new library[shape.kind](stack, "group", { group: shape.group, region: "cn-north-4", paths: shape.paths, resourceType, waitTimeout: library.Duration.minutes(45) });
  new library[shape.kind](stack, "kept", {
    group: `${shape.group}-kept`,
    region: "cn-north-4",
    paths: shape.paths,
    resourceType,
    removalPolicy: library.RemovalPolicy.RETAIN,
    projectId: PROJECT_ID,
    waitTimeout: 600,
  });
  new library.PackageGroupRemoval(stack, "old", { resourceType });
  app.synth();
  return join(outdir, "stacks", "stack");
}

const configOf = (stackDir: string) => JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
const runtimeAsset = (stackDir: string, core: Core) =>
  readFileSync(join(stackDir, "assets", "DliPackagesRuntime", require(join(CORES[core].dir, "package.json")).version, "dli-packages.js"));

describeWithRegistry.each(["cdktf", "cdktn"] as Core[])("%s: the assembly driven through the jsii kernel", (core) => {
  let host: KernelHost;
  beforeAll(async () => {
    const started = Date.now();
    host = await startKernel(core);
    console.log(`${core}: kernel started and 3 tarballs loaded in ${Date.now() - started} ms`);
  });
  afterAll(async () => host?.close());

  const cases = TYPES.flatMap((type) => KINDS.map((kind) => [type[0], kind, type] as const));
  test.each(cases)("%s, %s: cdk.tf.json equals the TypeScript synth", async (_type, kind, resourceType) => {
    const shape: StackShape = { kind, resourceType, group: "reports", paths: PATHS };
    const fromKernel = await synthThroughKernel(host, core, shape, tempDir("dli-kernel-out-"));
    const fromTypeScript = synthThroughTypeScript(core, shape, tempDir("dli-kernel-ts-"));
    expect(fromKernel.ref).toBe("reports/a.jar");
    expect(fromKernel.names).toEqual(["a.jar", "b.py"]);
    const config = configOf(fromKernel.stackDir);
    expect(config).toEqual(configOf(fromTypeScript));
    // About something: both groups (Duration → 2700 s, plain number → 600 s), the removal, the core's stamp.
    const resources = config.resource[resourceType[0]];
    expect(Object.keys(resources)).toHaveLength(4);
    const waits = Object.values(resources).map((r: any) => (r.triggers ?? r.triggers_replace).wait_timeout_seconds).filter(Boolean);
    expect(waits.sort()).toEqual(["2700", "600"]);
    expect(config.removed).toHaveLength(2);
    expect(config["//"].metadata.version).toBe(installedVersion(core));
    expect(runtimeAsset(fromKernel.stackDir, core).equals(runtimeAsset(fromTypeScript, core))).toBe(true);
  });

  test("invalid props reach the host as an error with the TypeScript message, unchanged", async () => {
    const pkg = CORES[core].pkg;
    const props = { group: "bad group!", region: "cn-north-4", paths: [`${OBS}/jobs/a.jar`] };
    const app = await host.create(`${core}.App`, [{ outdir: tempDir("dli-kernel-bad-") }]);
    const stack = await host.create(`${core}.TerraformStack`, [app, "stack"]);
    const error = await host.create(`${pkg}.JarPackageGroup`, [stack, "bad", props]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KernelError);
    const framework = require(core);
    const library = require(CORES[core].tsEntry);
    let expected = "";
    try {
      new library.JarPackageGroup(new framework.TerraformStack(new framework.App({ outdir: tempDir("dli-kernel-bad-ts-") }), "stack"), "bad", props);
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toContain(`group: "bad group!" — 1–64 characters`);
    expect((error as KernelError).message).toBe(expected);
  });

  test("packageRef of an unknown package: the same one-line error", async () => {
    const pkg = CORES[core].pkg;
    const app = await host.create(`${core}.App`, [{ outdir: tempDir("dli-kernel-ref-") }]);
    const stack = await host.create(`${core}.TerraformStack`, [app, "stack"]);
    const group = await host.create(`${pkg}.FilePackageGroup`, [stack, "g", { group: "g", region: "cn-north-4", paths: PATHS }]);
    const error = await host.invoke(group, "packageRef", ["c.jar"]).then(
      () => undefined,
      (e: unknown) => e as KernelError,
    );
    expect(error?.message).toMatch(/c\.jar/);
    expect(error?.message.split("\n")).toHaveLength(1);
  });
});

const nullProbe = registry.ok && terraformProbe.ok ? probeNullProvider() : undefined;
if (nullProbe && !nullProbe.ok) console.warn(`jsii kernel null_resource apply skipped: ${nullProbe.reason}`);
const applyCases = TYPES.filter((type) => type[0] === "terraform_data" || nullProbe?.ok);
const describeApply = registry.ok && terraformProbe.ok ? describe : describe.skip;

describeApply.each((["cdktf", "cdktn"] as Core[]).flatMap((core) => applyCases.map((type) => [core, type[0], type] as const)))(
  "%s, %s: the kernel-synthesized stack against dli-local with real terraform",
  (core, _type, resourceType) => {
    let host: KernelHost;
    let emulator: RunningEmulator;
    let stackDir = "";
    const env = () => ({ ...emulator.env, DLI_PACKAGES_MAX_ATTEMPTS: "2", DLI_PACKAGES_RETRY_BASE_MS: "20" });
    const step = async (args: string[]): Promise<{ run: TerraformRun; calls: number }> => {
      emulator.clearRequests();
      const run = await terraform(stackDir, args, env());
      if (run.code !== 0) throw new Error(`terraform ${args[0]} failed (exit ${run.code}):\n${run.output}`);
      return { run, calls: emulator.requests().length };
    };
    const live = (group: string) => emulator.groups().find((g) => g.group === group)?.packages.map((p) => p.name).sort();

    beforeAll(async () => {
      emulator = await startEmulator({ port: 0 });
      host = await startKernel(core);
      const shape: StackShape = { kind: "JarPackageGroup", resourceType, group: "apply", paths: PATHS };
      stackDir = (await synthThroughKernel(host, core, shape, tempDir("dli-kernel-apply-"))).stackDir;
      await host.close();
    });
    afterAll(async () => {
      await host?.close();
      await emulator?.close();
    });

    test("apply creates both groups with the declared packages", async () => {
      const init = await terraform(stackDir, ["init", "-input=false"], env());
      expect(init.code).toBe(0);
      await step(["apply", "-auto-approve", "-input=false"]);
      expect(live("apply")).toEqual(["a.jar", "b.py"]);
      expect(live("apply-kept")).toEqual(["a.jar", "b.py"]);
    });

    test("re-apply: no changes, 0 API calls", async () => {
      const { run, calls } = await step(["apply", "-auto-approve", "-input=false"]);
      expect(run.output).toMatch(/No changes/);
      expect(calls).toBe(0);
    });

    test("destroy: the DESTROY group is gone, the RETAIN group stays", async () => {
      await step(["destroy", "-auto-approve", "-input=false"]);
      expect(live("apply")).toBeUndefined();
      expect(live("apply-kept")).toEqual(["a.jar", "b.py"]);
    });
  },
);
