/**
 * Where Terraform runs without node (issue 10 §3), under real terraform: the apply fails with
 * the node guard's one line, no API call is made, the content resource is left tainted, and the
 * next apply (node on PATH again) uploads the group. terraform_data only: no provider download.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePackageGroup, ResourceType } from "../../lib";
import { expectSuccess, TerraformSession } from "./support/session";
import { obsPath } from "./support/stacks";
import { probeTerraform, terraform } from "./support/terraform";

const probe = probeTerraform();
if (!probe.ok) console.warn(`node guard under real terraform skipped: ${probe.reason}`);

(probe.ok ? describe : describe.skip)("node guard under real terraform (terraform_data)", () => {
  let session: TerraformSession;
  let terraformOnlyPath: string;

  beforeAll(async () => {
    session = await TerraformSession.start("node-guard");
    // A PATH with terraform and nothing else: the provisioner's /bin/sh finds no node.
    terraformOnlyPath = mkdtempSync(join(tmpdir(), "dli-no-node-"));
    const terraformBinary = spawnSync("/bin/sh", ["-c", `command -v "${process.env.TERRAFORM_BINARY_NAME || "terraform"}"`], { encoding: "utf8" }).stdout.trim();
    symlinkSync(terraformBinary, join(terraformOnlyPath, "terraform"));
  });
  afterAll(async () => {
    await session?.close();
    rmSync(terraformOnlyPath, { recursive: true, force: true });
  });

  test("no node: apply fails with our line and no API call; content tainted; the next apply with node uploads", async () => {
    session.synth((stack) => {
      new FilePackageGroup(stack, "reports", { group: "reports", region: "cn-north-4", paths: [obsPath("jobs/a.csv")], resourceType: ResourceType.TERRAFORM_DATA });
    });
    expectSuccess(await session.run(["init", "-input=false"]));

    const failed = await terraform(session.stackDir, ["apply", "-auto-approve", "-input=false"], { ...session.env(), PATH: terraformOnlyPath });
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain("dli-packages: no node on PATH: Node.js 20 or later must be on PATH where terraform runs");
    expect(failed.output).not.toMatch(/node: not found|exit status 127/);
    expect(session.emulator.requests()).toEqual([]);

    const plan = await session.run(["plan", "-input=false"]);
    expect(plan.output).toMatch(/content\S* is tainted, so must be replaced/);

    // The provisioner command is relative to path.module: it also runs when terraform is started
    // from another directory with -chdir (as CI recipes and cdktf's own deploy do).
    const elsewhere = await terraform(tmpdir(), [`-chdir=${session.stackDir}`, "apply", "-auto-approve", "-input=false"], session.env());
    expectSuccess(elsewhere);
    expect(elsewhere.output).toMatch(/Executing: \["\/bin\/sh" "-c" "exec \/bin\/sh \\"\.\/assets\/DliPackagesRuntime\/[^/]+\/dli-packages\.sh\\" upload-group"\]/);
    expect(session.live("reports")).toEqual(["a.csv:READY"]);
  });
});
