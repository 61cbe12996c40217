/**
 * The promise to users, tested with Terraform itself: real `terraform init/apply/destroy` of
 * synthesized stacks whose provisioners run the bundled runtime against the in-process emulator.
 * Each scenario builds on the state the previous one left, as a user's stack would.
 *
 * Skips (with the reason printed) when terraform is missing; the NULL_RESOURCE run also needs
 * the hashicorp/null provider, which `terraform init` must be able to install.
 */
import { TerraformStack } from "cdktf";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePackageGroup, JarPackageGroup, PyFilePackageGroup, ResourceType } from "../../lib";
import { startEmulator, RunningEmulator } from "../../lib/emulator";
import { obsPath, synthStack } from "./support/stacks";
import {
  descendantProcesses,
  probeNullProvider,
  probeTerraform,
  Probe,
  startTerraform,
  terraform,
  TerraformRun,
} from "./support/terraform";

const BUNDLE = join(__dirname, "..", "..", "dist", "runtime", "dli-packages.js");

const terraformProbe = probeTerraform();
const resourceTypes: { type: ResourceType; probe: Probe }[] = [
  { type: ResourceType.TERRAFORM_DATA, probe: terraformProbe },
  { type: ResourceType.NULL_RESOURCE, probe: terraformProbe.ok ? probeNullProvider() : terraformProbe },
];

for (const { type, probe } of resourceTypes) {
  if (!probe.ok) {
    // Printed on purpose: a skipped lifecycle run must be visible in CI logs, with its reason.
    console.warn(`lifecycle (${type}) skipped: ${probe.reason}`);
  }
  (probe.ok ? describe : describe.skip)(`lifecycle under real terraform (${type})`, () => {
    lifecycleScenarios(type);
  });
}

function lifecycleScenarios(resourceType: ResourceType): void {
  let emulator: RunningEmulator;
  let outdir: string;
  let stackDir: string;
  /** Every terraform output of this run, checked for the emulator's secret key at the end. */
  const outputs: string[] = [];

  const env = (): Record<string, string> => ({
    ...emulator.env,
    // Keep the runtime's retry bound short so the failure scenario stays fast.
    DLI_PACKAGES_MAX_ATTEMPTS: "2",
    DLI_PACKAGES_RETRY_BASE_MS: "20",
  });
  const run = async (args: string[]): Promise<TerraformRun> => {
    const result = await terraform(stackDir, args, env());
    outputs.push(result.output);
    return result;
  };
  const apply = (...extra: string[]) => run(["apply", "-auto-approve", "-input=false", ...extra]);
  const expectSuccess = (result: TerraformRun) => {
    if (result.code !== 0) throw new Error(`terraform failed (exit ${result.code}):\n${result.output}`);
  };
  const synth = (declare: (stack: TerraformStack) => void) => {
    stackDir = synthStack(outdir, "e2e", declare);
  };
  const live = (group: string) => {
    const found = emulator.groups().find((g) => g.group === group);
    return found ? found.packages.map((p) => `${p.name}:${String(p.status).toUpperCase()}`).sort() : undefined;
  };
  const callsTo = (method: string) => emulator.requests().filter((r) => r.method === method);
  const fileGroup = (stack: TerraformStack, group: string, keys: string[], id = "reports") =>
    new FilePackageGroup(stack, id, { group, region: "cn-north-4", paths: keys.map((k) => obsPath(k)), resourceType });

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test does)`);
    emulator = await startEmulator({ port: 0 });
    outdir = mkdtempSync(join(tmpdir(), `dli-e2e-${resourceType}-`));
  });
  afterAll(async () => {
    await emulator?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  test("1. create: the group exists with exactly the declared packages, READY", async () => {
    synth((stack) => fileGroup(stack, "reports", ["jobs/a.csv", "jobs/b.py"]));
    expectSuccess(await run(["init", "-input=false"]));
    const result = await apply();
    expectSuccess(result);
    expect(live("reports")).toEqual(["a.csv:READY", "b.py:READY"]);
    expect(result.output).toMatch(/upload-group/);
  });

  test("2. re-apply unchanged: zero API calls", async () => {
    emulator.clearRequests();
    const result = await apply();
    expectSuccess(result);
    expect(result.output).toMatch(/No changes/);
    expect(emulator.requests()).toEqual([]);
  });

  test("3. change paths: re-uploaded, the group never disappears (no DELETE)", async () => {
    emulator.clearRequests();
    synth((stack) => fileGroup(stack, "reports", ["jobs/a.csv", "jobs/c.json"]));
    expectSuccess(await apply());
    expect(live("reports")).toEqual(["a.csv:READY", "c.json:READY"]);
    expect(callsTo("POST").length).toBeGreaterThanOrEqual(1);
    expect(callsTo("DELETE")).toEqual([]);
  });

  test("4. rename: the old group is gone, the new one exists", async () => {
    emulator.clearRequests();
    synth((stack) => fileGroup(stack, "reports-v2", ["jobs/a.csv", "jobs/c.json"]));
    expectSuccess(await apply());
    expect(live("reports")).toBeUndefined();
    expect(live("reports-v2")).toEqual(["a.csv:READY", "c.json:READY"]);
    // Terraform destroys the old identity (delete-group) before creating the new content.
    const log = emulator.requests().map((r) => r.method);
    expect(log.indexOf("DELETE")).toBeLessThan(log.lastIndexOf("POST"));
  });

  test("5. failure: FAILED objects fail the apply with one line, taint, then converge once lifted", async () => {
    emulator.configure({ failPaths: ["missing.jar"] });
    synth((stack) => fileGroup(stack, "reports-v2", ["jobs/a.csv", "jobs/missing.jar"]));
    const failed = await apply();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/missing\.jar/);
    expect(failed.output).toMatch(/FAILED/);
    const shown = await run(["show", "-json"]);
    const tainted = JSON.parse(shown.stdout).values.root_module.resources.filter((r: any) => r.tainted);
    expect(tainted).toHaveLength(1);

    emulator.configure({ failPaths: [] });
    expectSuccess(await apply());
    expect(live("reports-v2")).toEqual(["a.csv:READY", "missing.jar:READY"]);
  });

  test("6. faults beyond the retry bound fail the apply; the next apply converges", async () => {
    emulator.configure({ faults: { seed: 7, rate503: 1 } });
    synth((stack) => fileGroup(stack, "reports-v2", ["jobs/a.csv", "jobs/d.txt"]));
    const failed = await apply();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/503/);

    emulator.configure({ faults: {} });
    expectSuccess(await apply());
    expect(live("reports-v2")).toEqual(["a.csv:READY", "d.txt:READY"]);
  });

  test("7. the runtime killed (SIGKILL) mid-apply: the next apply converges", async () => {
    emulator.configure({ readyDelayMs: 60_000 });
    synth((stack) => fileGroup(stack, "reports-v2", ["jobs/a.csv", "jobs/e.txt"]));
    const started = startTerraform(stackDir, ["apply", "-auto-approve", "-input=false"], env());
    const runtime = await waitFor(() =>
      descendantProcesses(started.pid).find((p) => p.commandLine.includes("dli-packages.js upload-group")),
    );
    await waitFor(() => callsTo("POST").length > 0 || undefined);
    process.kill(runtime.pid, "SIGKILL");
    const killed = await started.done;
    outputs.push(killed.output);
    expect(killed.code).not.toBe(0);

    emulator.configure({ readyDelayMs: 0 });
    expectSuccess(await apply());
    expect(live("reports-v2")).toEqual(["a.csv:READY", "e.txt:READY"]);
  });

  test("8. two kinds and two groups in one stack, -parallelism=10", async () => {
    synth((stack) => {
      fileGroup(stack, "reports-v2", ["jobs/a.csv", "jobs/e.txt"]);
      new JarPackageGroup(stack, "udfs", {
        group: "udfs",
        region: "cn-north-4",
        paths: [obsPath("jars/udf-1.jar"), obsPath("jars/udf-2.jar")],
        resourceType,
      });
      new PyFilePackageGroup(stack, "helpers", {
        group: "helpers",
        region: "cn-north-4",
        paths: [obsPath("py/helpers.py")],
        resourceType,
      });
    });
    expectSuccess(await apply("-parallelism=10"));
    expect(live("udfs")).toEqual(["udf-1.jar:READY", "udf-2.jar:READY"]);
    expect(live("helpers")).toEqual(["helpers.py:READY"]);
    expect(live("reports-v2")).toEqual(["a.csv:READY", "e.txt:READY"]);
  });

  test("9. destroy: all packages gone", async () => {
    expectSuccess(await run(["destroy", "-auto-approve", "-input=false"]));
    expect(emulator.groups()).toEqual([]);
  });

  test("no terraform output contains the secret key", () => {
    expect(outputs.length).toBeGreaterThan(5);
    for (const output of outputs) expect(output).not.toContain(emulator.env.HW_SECRET_KEY);
  });
}

/** Polls `find` every 50 ms until it returns something (at most 30 s). */
async function waitFor<T>(find: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error("waitFor: condition not met within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
