/**
 * Upgrading from the 0.1 provisioner command (the ~600-character node guard inline, then
 * `exec node …/dli-packages.js`) to the launcher (`exec /bin/sh …/dli-packages.sh`, issue 17)
 * under real terraform: the triggers are the same, so the upgraded stack plans no change at all,
 * and the new command is the one a later destroy runs. terraform_data only: no provider download.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FilePackageGroup, ResourceType } from "../../lib";
import { NODE_GUARD } from "../../lib/constructs/node-guard";
import { expectSuccess, TerraformSession } from "./support/session";
import { obsPath } from "./support/stacks";
import { probeTerraform } from "./support/terraform";

const probe = probeTerraform();
if (!probe.ok) console.warn(`launcher upgrade under real terraform skipped: ${probe.reason}`);

/** The 0.1 form of a provisioner command, for the same asset folder. */
function previousCommand(command: string): string {
  const match = /^exec \/bin\/sh "(\$\{path\.module\}\/[^"]+)\/dli-packages\.sh" (upload-group|delete-group)$/.exec(command);
  if (!match) throw new Error(`unexpected command: ${command}`);
  return `${NODE_GUARD}exec node "${match[1]}/dli-packages.js" ${match[2]}`;
}

(probe.ok ? describe : describe.skip)("launcher upgrade under real terraform (terraform_data)", () => {
  let session: TerraformSession;
  beforeAll(async () => {
    session = await TerraformSession.start("upgrade-command");
  });
  afterAll(() => session?.close());

  test("applied with the inline guard, re-synthesized with the launcher: no change planned; destroy runs the launcher", async () => {
    const declare = (stack: Parameters<Parameters<TerraformSession["synth"]>[0]>[0]) => {
      new FilePackageGroup(stack, "reports", { group: "reports", region: "cn-north-4", paths: [obsPath("jobs/a.csv")], resourceType: ResourceType.TERRAFORM_DATA });
    };
    session.synth(declare);
    const file = join(session.stackDir, "cdk.tf.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    let rewritten = 0;
    for (const body of Object.values<any>(config.resource.terraform_data)) {
      for (const provisioner of body.provisioner ?? []) {
        provisioner["local-exec"].command = previousCommand(provisioner["local-exec"].command);
        rewritten++;
      }
    }
    expect(rewritten).toBe(2);
    writeFileSync(file, JSON.stringify(config, null, 2));
    expectSuccess(await session.run(["init", "-input=false"]));
    const applied = await session.apply();
    expectSuccess(applied);
    expect(applied.output).toContain("command -v node");
    expect(session.live("reports")).toEqual(["a.csv:READY"]);

    session.synth(declare);
    const plan = await session.run(["plan", "-input=false", "-detailed-exitcode"]);
    expect(plan.output).toMatch(/No changes\./);
    expect(plan.code).toBe(0);

    const destroyed = await session.run(["destroy", "-auto-approve", "-input=false"]);
    expectSuccess(destroyed);
    expect(destroyed.output).toMatch(/Executing: \["\/bin\/sh" "-c" "exec \/bin\/sh \\"\.\/assets\/DliPackagesRuntime\/[^/]+\/dli-packages\.sh\\" delete-group"\]/);
    expect(session.live("reports")).toBeUndefined();
  });
});
