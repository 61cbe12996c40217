/**
 * The promise to users, tested with Terraform itself: real `terraform init/apply/destroy` of
 * synthesized stacks whose provisioners run the bundled runtime against the in-process emulator.
 * Each scenario builds on the state the previous one left, as a user's stack would.
 *
 * Skips (with the reason printed) when terraform is missing; the NULL_RESOURCE run also needs
 * the hashicorp/null provider, which `terraform init` must be able to install.
 */
import { TerraformStack } from "cdktf";
import { FilePackageGroup, JarPackageGroup, PyFilePackageGroup, ResourceType } from "../../lib";
import { expectSuccess, TerraformSession } from "./support/session";
import { obsPath } from "./support/stacks";
import { describeForEachResourceType } from "./support/resource-types";
import { descendantProcesses } from "./support/terraform";

describeForEachResourceType("lifecycle under real terraform", lifecycleScenarios);

function lifecycleScenarios(resourceType: ResourceType): void {
  let session: TerraformSession;
  const fileGroup = (stack: TerraformStack, group: string, keys: string[], id = "reports") =>
    new FilePackageGroup(stack, id, { group, region: "cn-north-4", paths: keys.map((k) => obsPath(k)), resourceType });

  beforeAll(async () => {
    session = await TerraformSession.start(resourceType);
  });
  afterAll(async () => {
    await session?.close();
  });

  test("1. create: the group exists with exactly the declared packages, READY", async () => {
    session.synth((stack) => fileGroup(stack, "reports", ["jobs/a.csv", "jobs/b.py"]));
    expectSuccess(await session.run(["init", "-input=false"]));
    const result = await session.apply();
    expectSuccess(result);
    expect(session.live("reports")).toEqual(["a.csv:READY", "b.py:READY"]);
    expect(result.output).toMatch(/upload-group/);
  });

  test("2. re-apply unchanged: zero API calls", async () => {
    session.emulator.clearRequests();
    const result = await session.apply();
    expectSuccess(result);
    expect(result.output).toMatch(/No changes/);
    expect(session.emulator.requests()).toEqual([]);
  });

  test("3. change paths: re-uploaded, the group never disappears (no DELETE)", async () => {
    session.emulator.clearRequests();
    session.synth((stack) => fileGroup(stack, "reports", ["jobs/a.csv", "jobs/c.json"]));
    expectSuccess(await session.apply());
    expect(session.live("reports")).toEqual(["a.csv:READY", "c.json:READY"]);
    expect(session.callsTo("POST").length).toBeGreaterThanOrEqual(1);
    expect(session.callsTo("DELETE")).toEqual([]);
  });

  test("4. rename: the old group is gone, the new one exists", async () => {
    session.emulator.clearRequests();
    session.synth((stack) => fileGroup(stack, "reports-v2", ["jobs/a.csv", "jobs/c.json"]));
    expectSuccess(await session.apply());
    expect(session.live("reports")).toBeUndefined();
    expect(session.live("reports-v2")).toEqual(["a.csv:READY", "c.json:READY"]);
    // Terraform destroys the old identity (delete-group) before creating the new content.
    const log = session.emulator.requests().map((r) => r.method);
    expect(log.indexOf("DELETE")).toBeLessThan(log.lastIndexOf("POST"));
  });

  test("5. failure: FAILED objects fail the apply with one line, taint, then converge once lifted", async () => {
    session.emulator.configure({ failPaths: ["missing.jar"] });
    session.synth((stack) => fileGroup(stack, "reports-v2", ["jobs/a.csv", "jobs/missing.jar"]));
    const failed = await session.apply();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/missing\.jar/);
    expect(failed.output).toMatch(/FAILED/);
    const shown = await session.run(["show", "-json"]);
    const tainted = JSON.parse(shown.stdout).values.root_module.resources.filter((r: any) => r.tainted);
    expect(tainted).toHaveLength(1);

    session.emulator.configure({ failPaths: [] });
    expectSuccess(await session.apply());
    expect(session.live("reports-v2")).toEqual(["a.csv:READY", "missing.jar:READY"]);
  });

  test("6. faults beyond the retry bound fail the apply; the next apply converges", async () => {
    session.emulator.configure({ faults: { seed: 7, rate503: 1 } });
    session.synth((stack) => fileGroup(stack, "reports-v2", ["jobs/a.csv", "jobs/d.txt"]));
    const failed = await session.apply();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/503/);

    session.emulator.configure({ faults: {} });
    expectSuccess(await session.apply());
    expect(session.live("reports-v2")).toEqual(["a.csv:READY", "d.txt:READY"]);
  });

  test("7. the runtime killed (SIGKILL) mid-apply: the next apply converges", async () => {
    session.emulator.configure({ readyDelayMs: 60_000 });
    session.synth((stack) => fileGroup(stack, "reports-v2", ["jobs/a.csv", "jobs/e.txt"]));
    await session.init();
    const started = session.start(["apply", "-auto-approve", "-input=false"]);
    const runtime = await waitFor(() =>
      descendantProcesses(started.pid).find((p) => p.commandLine.includes("dli-packages.js upload-group")),
    );
    await waitFor(() => session.callsTo("POST").length > 0 || undefined);
    process.kill(runtime.pid, "SIGKILL");
    const killed = await started.done;
    session.outputs.push(killed.output);
    expect(killed.code).not.toBe(0);

    session.emulator.configure({ readyDelayMs: 0 });
    expectSuccess(await session.apply());
    expect(session.live("reports-v2")).toEqual(["a.csv:READY", "e.txt:READY"]);
  });

  test("8. two kinds and two groups in one stack, -parallelism=10", async () => {
    session.synth((stack) => {
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
    expectSuccess(await session.apply("-parallelism=10"));
    expect(session.live("udfs")).toEqual(["udf-1.jar:READY", "udf-2.jar:READY"]);
    expect(session.live("helpers")).toEqual(["helpers.py:READY"]);
    expect(session.live("reports-v2")).toEqual(["a.csv:READY", "e.txt:READY"]);
  });

  test("9. destroy: all packages gone", async () => {
    expectSuccess(await session.run(["destroy", "-auto-approve", "-input=false"]));
    expect(session.emulator.groups()).toEqual([]);
  });

  test("no terraform output contains the secret key", () => {
    expect(session.outputs.length).toBeGreaterThan(5);
    for (const output of session.outputs) expect(output).not.toContain(session.emulator.env.HW_SECRET_KEY);
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
