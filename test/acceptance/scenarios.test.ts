/**
 * The acceptance scenarios: what a user does with the constructs, under real terraform, end to
 * end, against dli-local (default) or a live DLI project (DLI_ACCEPTANCE=live, see
 * docs/acceptance.md). One stack evolves the way a user's would; each step asserts what DLI
 * holds, read back through the API, and what the provisioners sent (the recorder's log).
 * Nothing here reads the emulator's memory, so the same assertions hold against the real service.
 *
 * Every group is named dlipkg-acc-<run id>-…; a live run deletes whatever is left of them in
 * afterAll and again in scripts/acceptance.mjs (also after an interrupt).
 */
import { TerraformStack } from "cdktf";
import { FilePackageGroup, JarPackageGroup, PackageGroupRemoval, ResourceType } from "../../lib";
import { probeTerraform } from "../lifecycle/support/terraform";
import { startCommand } from "../lifecycle/support/terraform";
import { AcceptanceRun, expectApplied, recordingTools, ROOT } from "./support/acceptance-run";
import { join } from "node:path";

const terraformProbe = probeTerraform();
// Printed on purpose: a skipped acceptance run must be visible in CI logs, with its reason.
if (!terraformProbe.ok) console.warn(`acceptance scenarios skipped: ${terraformProbe.reason}`);
const describeIfTerraform = terraformProbe.ok ? describe : describe.skip;

const resourceType = ResourceType.TERRAFORM_DATA;
const BUNDLE = join(ROOT, "dist", "runtime", "dli-packages.js");

describeIfTerraform("acceptance: a user's stack from create to destroy", () => {
  let run: AcceptanceRun;
  let stackDir = "";

  const file = (stack: TerraformStack, id: string, group: string, keys: string[]) =>
    new FilePackageGroup(stack, id, { group: run.name(group), region: run.region, paths: keys.map((k) => run.obsPath(k)), resourceType });
  const jar = (stack: TerraformStack, id: string, group: string, keys: string[]) =>
    new JarPackageGroup(stack, id, { group: run.name(group), region: run.region, paths: keys.map((k) => run.obsPath(k)), resourceType });
  const ready = (...names: string[]) => names.map((n) => `${n}:READY`).sort();

  /** Synthesizes the one stack of the run and applies it. */
  async function apply(declare: (stack: TerraformStack) => void, ...extra: string[]) {
    stackDir = run.synth({ acc: declare }).acc;
    return run.callsDuring(async () => expectApplied(await run.terraform(stackDir, ["apply", "-auto-approve", "-input=false", ...extra])));
  }

  /** `dli-packages <args>` as a user runs it, with the run's environment. */
  async function cli(...args: string[]) {
    const result = await startCommand(process.execPath, [BUNDLE, ...args], stackDir, { ...process.env, ...run.env() }).done;
    run.outputs.push(result.output);
    return result;
  }

  beforeAll(async () => {
    run = await AcceptanceRun.start();
  });
  afterAll(async () => {
    await run?.close();
  });

  test("create: each group holds exactly the declared packages, READY", async () => {
    stackDir = run.synth({ acc: () => undefined }).acc;
    expectApplied(await run.terraform(stackDir, ["init", "-input=false"]));
    const { result } = await apply((s) => {
      file(s, "reports", "reports", ["a.csv", "b.py"]);
      jar(s, "udfs", "udfs", ["udf-1.jar"]);
    });
    expect(result.output).toMatch(/upload-group/);
    expect(await run.packages(run.name("reports"))).toEqual(ready("a.csv", "b.py"));
    expect(await run.packages(run.name("udfs"))).toEqual(ready("udf-1.jar"));
  });

  test("re-apply unchanged: no changes and not one API call", async () => {
    const { result, calls } = await apply((s) => {
      file(s, "reports", "reports", ["a.csv", "b.py"]);
      jar(s, "udfs", "udfs", ["udf-1.jar"]);
    });
    expect(result.output).toMatch(/No changes/);
    expect(calls).toEqual([]);
  });

  test("paths change: re-uploaded in place; no declared package is ever deleted", async () => {
    const { calls } = await apply((s) => {
      file(s, "reports", "reports", ["a.csv", "c.json"]);
      jar(s, "udfs", "udfs", ["udf-1.jar"]);
    });
    expect(calls.some((c) => c.startsWith("POST "))).toBe(true);
    // Under "overwrite" (dli-api.md §1.1) nothing is deleted; under "merge" only the undeclared b.py.
    expect(calls.filter((c) => c.startsWith("DELETE ") && !c.includes("/b.py?"))).toEqual([]);
    expect(await run.packages(run.name("reports"))).toEqual(ready("a.csv", "c.json"));
  });

  test("group rename: the old group is deleted, the new one holds the packages", async () => {
    await apply((s) => {
      file(s, "reports", "reports-v2", ["a.csv", "c.json"]);
      jar(s, "udfs", "udfs", ["udf-1.jar"]);
    });
    expect(await run.packages(run.name("reports"))).toBeUndefined();
    expect(await run.packages(run.name("reports-v2"))).toEqual(ready("a.csv", "c.json"));
  });

  test("handover: udfs is versioned to udfs-v1 while a new construct takes udfs, exact on the first apply", async () => {
    const { result } = await apply((s) => {
      file(s, "reports", "reports-v2", ["a.csv", "c.json"]);
      jar(s, "udfs", "udfs-v1", ["udf-1.jar"]);
      jar(s, "udfs-next", "udfs", ["udf-2.jar"]);
    });
    expect(result.output).toMatch(new RegExp(`delete-group jar group=${run.name("udfs")}: left to \\S+udfs-next_content`));
    expect(await run.packages(run.name("udfs"))).toEqual(ready("udf-2.jar"));
    expect(await run.packages(run.name("udfs-v1"))).toEqual(ready("udf-1.jar"));
  });

  test("PackageGroupRemoval: the group is deleted; left in the code it is a no-op (0 calls)", async () => {
    const declare = (s: TerraformStack) => {
      file(s, "reports", "reports-v2", ["a.csv", "c.json"]);
      new PackageGroupRemoval(s, "udfs", { resourceType });
      jar(s, "udfs-next", "udfs", ["udf-2.jar"]);
    };
    const { calls } = await apply(declare);
    expect(calls.filter((c) => c.startsWith("DELETE "))).toEqual([expect.stringContaining(`group=${run.name("udfs-v1")}`)]);
    expect(await run.packages(run.name("udfs-v1"))).toBeUndefined();
    expect(await run.packages(run.name("udfs"))).toEqual(ready("udf-2.jar"));
    const again = await apply(declare);
    expect(again.result.output).toMatch(/No changes|0 added, 0 changed, 0 destroyed/);
    expect(again.calls).toEqual([]);
  });

  test("diff: in sync after apply; a package deleted in the console is drift; --repair converges it", async () => {
    const clean = await cli("diff", stackDir);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^no drift \(2 groups\)$/m);

    await run.deletePackage("c.json", run.name("reports-v2"));
    const found = await cli("diff", stackDir, "--json");
    expect(found.code).toBe(2);
    const drifted = JSON.parse(found.stdout).groups.find((g: { group: string }) => g.group === run.name("reports-v2"));
    expect(drifted).toMatchObject({ state: "drift", missing: ["c.json"] });

    const repaired = await cli("diff", stackDir, "--repair");
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/repaired/);
    expect(await run.packages(run.name("reports-v2"))).toEqual(ready("a.csv", "c.json"));
  });

  test("diff --orphans: a construct deleted from the code leaves an orphan; the printed command deletes it", async () => {
    const { calls } = await apply((s) => file(s, "reports", "reports-v2", ["a.csv", "c.json"]));
    expect(calls).toEqual([]); // a deleted block runs no provisioner: the group is orphaned
    expect(await run.packages(run.name("udfs"))).toEqual(ready("udf-2.jar"));

    const found = await cli("diff", stackDir, "--orphans", "--prefix", run.plan.prefix);
    expect(found.code).toBe(2);
    const command = new RegExp(`delete with: (dli-packages delete-group --group ${run.name("udfs")} .*)$`, "m").exec(found.stdout)?.[1];
    expect(command).toBeDefined();
    const removed = await cli(...command!.split(" ").slice(1), "--yes");
    expect(removed.code).toBe(0);
    expect(await run.packages(run.name("udfs"))).toBeUndefined();
    expect((await cli("diff", stackDir, "--orphans", "--prefix", run.plan.prefix)).code).toBe(0);
  });

  test("destroy: no group of the run is left", async () => {
    expectApplied(await run.terraform(stackDir, ["destroy", "-auto-approve", "-input=false"]));
    expect(await run.groups()).toEqual([]);
  });

  test("no output and no recorded exchange contains a secret or a signature", () => {
    expect(run.outputs.length).toBeGreaterThan(10);
    const recorded = JSON.stringify(run.recording());
    for (const secret of run.secrets()) {
      for (const output of run.outputs) expect(output).not.toContain(secret);
      expect(recorded).not.toContain(secret);
    }
    expect(recorded).not.toMatch(/SDK-HMAC-SHA256|Signature=|x-sdk-date|authorization/i);
    expect(recorded).not.toContain(run.plan.runId);
  });

  test("the run's recording replays against a fresh dli-local with no difference", async () => {
    const recorded = run.recording();
    expect(recorded.exchanges.length).toBeGreaterThan(20);
    const result = await recordingTools.replay(recorded);
    // Live: the differences are dli-local's fidelity gaps, for docs/acceptance.md's refresh.
    if (run.live) {
      for (const line of result.differences) console.log(`fidelity: ${line}`);
      return;
    }
    expect(result.differences).toEqual([]);
    expect(result.compared).toBe(recorded.exchanges.length - result.skipped.length);
    expect(result.compared).toBeGreaterThan(20);
  });
});
