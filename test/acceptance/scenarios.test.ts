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
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePackageGroup, JarPackageGroup, PackageGroupDriftCheck, PackageGroupRemoval, PyFilePackageGroup, ResourceType } from "../../lib";
import { probeProvider, probeTerraform, startCommand } from "../lifecycle/support/terraform";
import { AcceptanceRun, expectApplied, recordingTools, ROOT } from "./support/acceptance-run";

const terraformProbe = probeTerraform();
// Printed on purpose: a skipped acceptance run must be visible in CI logs, with its reason.
if (!terraformProbe.ok) console.warn(`acceptance scenarios skipped: ${terraformProbe.reason}`);
const describeIfTerraform = terraformProbe.ok ? describe : describe.skip;
// PackageGroupDriftCheck's data source needs hashicorp/external, which terraform init must install.
const externalProbe = terraformProbe.ok ? probeProvider("external") : terraformProbe;
if (!externalProbe.ok) console.warn(`acceptance: the plan-time drift check scenario skipped: ${externalProbe.reason}`);

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

  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  let localDir = "";

  beforeAll(async () => {
    run = await AcceptanceRun.start();
    // The objects the groups' paths name, under the run's prefix (DLI checks that they exist).
    await run.putObjects(["a.csv", "b.py", "c.json", "udf-1.jar", "udf-2.jar"]);
    localDir = mkdtempSync(join(tmpdir(), "dli-acc-files-"));
  });
  afterAll(async () => {
    await run?.close();
    if (localDir) rmSync(localDir, { recursive: true, force: true });
  });

  describe("local files (files + staging) and staging gc", () => {
    let filesDir = "";
    const job = () => join(localDir, "job.py");
    const filesStack = () =>
      run.synth({
        files: (s) =>
          new PyFilePackageGroup(s, "jobs", { group: run.name("jobs"), region: run.region, paths: [run.obsPath("b.py")], files: [job()], staging: run.filesStaging(), resourceType }),
      }).files;
    const stagedKey = (content: string) => `${run.plan.prefix}staging/${sha256(content)}/job.py`;

    test("create: the local file is staged under its SHA-256 below the run's prefix, the group READY", async () => {
      writeFileSync(job(), "print('v1')\n");
      filesDir = filesStack();
      expectApplied(await run.terraform(filesDir, ["init", "-input=false"]));
      const { calls } = await run.callsDuring(async () => expectApplied(await run.terraform(filesDir, ["apply", "-auto-approve", "-input=false"])));
      expect(calls.filter((c) => c.startsWith("PUT "))).toEqual([expect.stringContaining(`/${sha256("print('v1')\n")}/job.py`)]);
      expect(await run.packages(run.name("jobs"))).toEqual(ready("b.py", "job.py"));
      expect(await run.objects()).toContain(stagedKey("print('v1')\n"));
    });

    test("a changed file: only it is uploaded, to a new object; the old object stays", async () => {
      writeFileSync(job(), "print('v2')\n");
      filesDir = filesStack();
      const { calls } = await run.callsDuring(async () => expectApplied(await run.terraform(filesDir, ["apply", "-auto-approve", "-input=false"])));
      expect(calls.filter((c) => c.startsWith("PUT "))).toEqual([expect.stringContaining(`/${sha256("print('v2')\n")}/job.py`)]);
      expect(await run.packages(run.name("jobs"))).toEqual(ready("b.py", "job.py"));
      expect(await run.objects()).toEqual(expect.arrayContaining([stagedKey("print('v1')\n"), stagedKey("print('v2')\n")]));
    });

    test("staging gc lists the superseded object (dry run), --yes deletes it and keeps the declared one", async () => {
      stackDir = filesDir;
      const dry = await cli("staging", "gc", filesDir, "--staging", run.filesStaging(), "--older-than", "0s");
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`orphan ${run.plan.staging}${stagedKey("print('v1')\n")}`);
      expect(dry.stdout).not.toContain(stagedKey("print('v2')\n"));
      expect(await run.objects()).toContain(stagedKey("print('v1')\n"));
      const removed = await cli("staging", "gc", filesDir, "--staging", run.filesStaging(), "--older-than", "0s", "--yes");
      expect(removed.code).toBe(0);
      const left = await run.objects();
      expect(left).not.toContain(stagedKey("print('v1')\n"));
      expect(left).toContain(stagedKey("print('v2')\n"));
    });

    test("destroy: the group is deleted; the staged object stays (objects are shared by content)", async () => {
      expectApplied(await run.terraform(filesDir, ["destroy", "-auto-approve", "-input=false"]));
      expect(await run.packages(run.name("jobs"))).toBeUndefined();
      expect(await run.objects()).toContain(stagedKey("print('v2')\n"));
    });
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

  (externalProbe.ok ? test : test.skip)("plan-time drift check: a package deleted in the console is a warning of terraform plan naming the group and the repair", async () => {
    const dir = run.synth({
      drift: (s) => {
        new FilePackageGroup(s, "checked", { group: run.name("checked"), region: run.region, paths: [run.obsPath("a.csv"), run.obsPath("b.py")], resourceType });
        new PackageGroupDriftCheck(s, "drift");
      },
    }).drift;
    expectApplied(await run.terraform(dir, ["init", "-input=false"]));
    expectApplied(await run.terraform(dir, ["apply", "-auto-approve", "-input=false"]));
    // With a check block every plan reads its data source, so -detailed-exitcode would say 2
    // (docs/drift.md); a check never fails a plan: exit 0, drift is a warning.
    const clean = await run.terraform(dir, ["plan", "-input=false"]);
    expect(clean.code).toBe(0);
    expect(clean.output).not.toContain("Check block assertion failed");

    await run.deletePackage("b.py", run.name("checked"));
    const drifted = await run.terraform(dir, ["plan", "-input=false"]);
    expect(drifted.code).toBe(0);
    expect(drifted.output.split("Check block assertion failed")).toHaveLength(2); // exactly one warning
    // Terraform wraps a diagnostic's text at spaces: compare with whitespace folded.
    expect(drifted.output.replace(/\s+/g, " ")).toContain(
      `DLI package group ${run.name("checked")} (file, ${run.region}) is not what the stack declares: missing: b.py. Repair: terraform apply -replace=`,
    );
    expectApplied(await run.terraform(dir, ["destroy", "-auto-approve", "-input=false"]));
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
