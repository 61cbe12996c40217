/**
 * `PackageGroupDriftCheck` under real Terraform against dli-local (issue 25): the first plan of a
 * new stack warns about nothing; after the apply, a plan reads DLI once and is clean; a package
 * deleted behind Terraform's back makes `terraform plan` print a warning naming the group, the
 * package and the repair, and still exit 0; after `dli-packages diff --repair` the plan is clean
 * again; without credentials the plan prints one warning and exits 0; no output holds a secret.
 *
 * Needs hashicorp/external (the check's data source), and hashicorp/null for the null_resource
 * run: run wherever `terraform init` can install them (the registry, or a mirror through
 * TF_CLI_CONFIG_FILE); elsewhere each run is skipped with the reason printed.
 */
import { TerraformStack } from "cdktf";
import { FilePackageGroup, PackageGroupDriftCheck, ResourceType } from "../../lib";
import { silentProgress } from "../../lib/runtime/progress";
import { openSession } from "../../lib/runtime/session";
import { runCli } from "../runtime/support/run-cli";
import { expectSuccess, TerraformSession } from "./support/session";
import { obsPath } from "./support/stacks";
import { probeNullProvider, probeProvider, probeTerraform, terraform as runTerraform } from "./support/terraform";

const FAILED = "Check block assertion failed";

for (const resourceType of [ResourceType.TERRAFORM_DATA, ResourceType.NULL_RESOURCE]) {
  const title = `the drift check in terraform plan (${resourceType})`;
  const terraform = probeTerraform();
  const probe = !terraform.ok
    ? terraform
    : [probeProvider("external"), ...(resourceType === ResourceType.NULL_RESOURCE ? [probeNullProvider()] : [])].find((p) => !p.ok) ?? terraform;
  // Printed on purpose: a skipped lifecycle run must be visible in CI logs, with its reason.
  if (!probe.ok) console.warn(`${title} skipped: ${probe.reason}`);

  (probe.ok ? describe : describe.skip)(title, () => {
    let session: TerraformSession;
    /** Terraform wraps warning texts at 78 columns: compare with the whitespace folded. */
    const folded = (text: string) => text.replace(/\s+/g, " ");
    const declare = (stack: TerraformStack) => {
      for (const group of ["gatk", "tools"]) {
        new FilePackageGroup(stack, group, { group, region: "cn-north-4", paths: [obsPath(`${group}/job.py`), obsPath(`${group}/conf.json`)], resourceType });
      }
      new PackageGroupDriftCheck(stack, "drift");
    };
    const plan = async (env?: Record<string, string>) => {
      const result = env ? await runPlanWith(env) : await session.run(["plan", "-input=false"]);
      expect(result.code).toBe(0); // a check never fails a plan
      return result;
    };
    /** `terraform plan` with the session's environment changed (e.g. no credentials). */
    const runPlanWith = async (env: Record<string, string>) => {
      const result = await runTerraform(session.stackDir, ["plan", "-input=false"], env);
      session.outputs.push(result.output);
      return result;
    };

    beforeAll(async () => {
      session = await TerraformSession.start(`drift-check-${resourceType}`);
      session.synth(declare);
    });
    afterAll(async () => {
      await session?.close();
    });

    test("the first plan of a new stack warns about nothing and calls nothing: the check waits for the apply", async () => {
      session.emulator.clearRequests();
      const first = await plan();
      expect(first.output).not.toContain(FAILED);
      expect(first.output).not.toMatch(/DLI package group/);
      expect(session.emulator.requests()).toEqual([]);
    });

    test("the apply runs the check after the uploads: no warning; the next plan reads one listing and is clean", async () => {
      const applied = await session.apply();
      expectSuccess(applied);
      expect(applied.output).not.toContain(FAILED);
      expect(session.live("gatk")).toEqual(["conf.json:READY", "job.py:READY"]);
      session.emulator.clearRequests();
      const clean = await plan();
      expect(clean.output).not.toContain(FAILED);
      expect(session.emulator.requests().map((r) => `${r.method} ${r.api}`)).toEqual(["GET ListJobResources"]);
    });

    test("a package deleted behind Terraform's back: the plan warns naming the group, the package and the repair, and exits 0", async () => {
      const console = await openSession({ region: "cn-north-4", env: session.env(), progress: silentProgress });
      try {
        await console.client.deletePackage("conf.json", "gatk");
      } finally {
        await console.close();
      }
      const drifted = await plan();
      expect(drifted.output.split(FAILED)).toHaveLength(2); // exactly one warning
      const text = folded(drifted.output);
      expect(text).toMatch(/DLI package group gatk \(file, cn-north-4\) is not what the stack declares: missing: conf\.json\. Repair: terraform apply -replace='[a-z_]+\.gatk_content_[0-9A-F]{8}'/);
      expect(text).not.toMatch(/DLI package group tools/);
    });

    test("after dli-packages diff --repair, the plan is clean again", async () => {
      const repaired = await runCli(["diff", session.stackDir, "--repair"], session.env());
      expect(repaired.code).toBe(0);
      expect(session.live("gatk")).toEqual(["conf.json:READY", "job.py:READY"]);
      const clean = await plan();
      expect(clean.output).not.toContain(FAILED);
    });

    test("no credentials: one warning saying so, the plan still exits 0, no request", async () => {
      const { HW_ACCESS_KEY: _ak, HW_SECRET_KEY: _sk, ...noCredentials } = session.env();
      // terraformEnvironment starts from process.env: blank the credential variables explicitly.
      session.emulator.clearRequests();
      const result = await plan({ ...noCredentials, HW_ACCESS_KEY: "", HW_SECRET_KEY: "" });
      expect(result.output.split(FAILED)).toHaveLength(2);
      expect(folded(result.output)).toMatch(/dli-packages check: could not read DLI \(cn-north-4\): no credentials/);
      expect(session.emulator.requests()).toEqual([]);
    });

    test("no terraform output contains the secret key", () => {
      for (const output of session.outputs) expect(output).not.toContain(session.emulator.env.HW_SECRET_KEY);
    });
  });
}
