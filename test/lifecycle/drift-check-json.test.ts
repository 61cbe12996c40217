/**
 * The `check` block `PackageGroupDriftCheck` writes, under the real `terraform` binary, on any
 * machine with one (no provider download): Terraform's JSON syntax for the block, the deferral of
 * its data source while a group is created, one warning per drifted group with the text the
 * runtime wrote, and a plan that exits 0 with warnings.
 *
 * Only the provider is stood in for: the scoped `data "external"` becomes the built-in
 * `data "terraform_remote_state"` (same `depends_on`, same position in the block) reading a local
 * state file whose `result` output is what `dli-packages check` answered, run for real against
 * dli-local with the synthesized query as Terraform resolves it. drift-check.test.ts runs the
 * unchanged stack with hashicorp/external where it installs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FilePackageGroup, PackageGroupDriftCheck, ResourceType } from "../../lib";
import { terraformJsonEncode } from "../../lib/contract/terraform-json";
import { silentProgress } from "../../lib/runtime/progress";
import { openSession } from "../../lib/runtime/session";
import { runCli } from "../runtime/support/run-cli";
import { expectSuccess, TerraformSession } from "./support/session";
import { obsPath } from "./support/stacks";
import { probeTerraform } from "./support/terraform";

const FAILED = "Check block assertion failed";
const RESULT_FILE = "check-result.tfstate";
const terraformProbe = probeTerraform();
if (!terraformProbe.ok) console.warn(`the drift check's JSON under terraform skipped: ${terraformProbe.reason}`);

(terraformProbe.ok ? describe : describe.skip)("the drift check's check block under real terraform (built-in data source for hashicorp/external)", () => {
  let session: TerraformSession;
  let query: Record<string, string>;
  const folded = (text: string) => text.replace(/\s+/g, " ");

  /** What the data source would return: `dli-packages check` run on the query, written as the stand-in's state. */
  async function checkNow(env = session.env()): Promise<Record<string, string>> {
    const run = await runCli(["check"], env, JSON.stringify(query));
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    writeResult(result);
    return result;
  }
  function writeResult(result: Record<string, string>): void {
    const state = { version: 4, terraform_version: "1.5.0", serial: 1, lineage: "dli-check", outputs: { result: { value: result, type: ["map", "string"] } }, resources: [] };
    writeFileSync(join(session.stackDir, RESULT_FILE), JSON.stringify(state));
  }
  async function plan() {
    const result = await session.run(["plan", "-input=false"]);
    expect(result.code).toBe(0); // warnings only
    return result;
  }

  beforeAll(async () => {
    session = await TerraformSession.start("drift-check-json");
    session.synth((stack) => {
      for (const group of ["gatk", "tools"]) {
        new FilePackageGroup(stack, group, { group, region: "cn-north-4", paths: [obsPath(`${group}/job.py`), obsPath(`${group}/conf.json`)], resourceType: ResourceType.TERRAFORM_DATA });
      }
      new PackageGroupDriftCheck(stack, "drift");
    });
    const file = join(session.stackDir, "cdk.tf.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    const check = config.check.dli_packages_drift;
    const external = check.data.external.dli_packages;
    // The query as Terraform sends it: `${jsonencode(<address>.triggers_replace)}` of each group.
    query = Object.fromEntries(
      Object.entries<string>(external.query).map(([key, expression]) => {
        const [, type, name] = /^\$\{jsonencode\(([a-z_]+)\.([^.]+)\.triggers_replace\)\}$/.exec(expression)!;
        return [key, terraformJsonEncode(config.resource[type][name].triggers_replace)];
      }),
    );
    expect(Object.keys(query)).toHaveLength(2);
    check.data = { terraform_remote_state: { dli_packages: { backend: "local", config: { path: RESULT_FILE }, depends_on: external.depends_on } } };
    expect(Object.keys(config.terraform.required_providers)).toEqual(["external"]); // terraform_data groups need no other
    delete config.terraform.required_providers;
    delete config.provider;
    writeFileSync(file, JSON.stringify(config, null, 2).split("data.external.dli_packages.result").join("data.terraform_remote_state.dli_packages.outputs.result"));
    writeResult(Object.fromEntries(Object.keys(query).map((k) => [k, ""])));
  });
  afterAll(async () => {
    await session?.close();
  });

  test("Terraform takes the block; the first plan of the new stack defers the check (known after apply), no failure", async () => {
    const first = await plan();
    expect(first.output).toMatch(/will be read during apply\s+# \(depends on a resource or a module with changes pending\)/);
    expect(first.output).toContain("Check block assertion known after apply");
    expect(first.output).not.toContain(FAILED);
  });

  test("applied and in sync: the plan reads the data source and warns about nothing", async () => {
    expectSuccess(await session.apply());
    const result = await checkNow();
    expect(Object.values(result).filter(Boolean)).toEqual([expect.stringMatching(/^2 groups checked in 1 project: all in sync/)]);
    const clean = await plan();
    expect(clean.output).not.toContain(FAILED);
    expect(clean.output).not.toContain("known after apply");
  });

  test("a package deleted in the console: exactly one warning, naming the group, the package and the repair; exit 0", async () => {
    const console = await openSession({ region: "cn-north-4", env: session.env(), progress: silentProgress });
    try {
      await console.client.deletePackage("conf.json", "gatk");
    } finally {
      await console.close();
    }
    await checkNow();
    const drifted = await plan();
    expect(drifted.output.split(FAILED)).toHaveLength(2);
    expect(folded(drifted.output)).toMatch(/DLI package group gatk \(file, cn-north-4\) is not what the stack declares: missing: conf\.json\. Repair: terraform apply -replace='terraform_data\.gatk_content_[0-9A-F]{8}'/);
  });

  test("no credentials: one warning, from the check's own assert; exit 0", async () => {
    const { HW_ACCESS_KEY: _ak, HW_SECRET_KEY: _sk, ...noCredentials } = session.env();
    await checkNow(noCredentials);
    const faulty = await plan();
    expect(faulty.output.split(FAILED)).toHaveLength(2);
    expect(folded(faulty.output)).toMatch(/dli-packages check: could not read DLI \(cn-north-4\): no credentials: .*; no package group was checked/);
  });
});
