/**
 * Drift under real Terraform: `dli-packages diff` reads the stack the constructs synthesized,
 * sees what the console changed (Terraform's plan does not), and both ways back to the declared
 * state work as the README's "Drift in CI" says: `terraform apply -replace=<the address diff
 * printed>` and the by-name delete of the orphan `diff --orphans` printed.
 */
import { TerraformStack } from "cdktf";
import { FilePackageGroup } from "../../lib";
import { silentProgress } from "../../lib/runtime/progress";
import { openSession } from "../../lib/runtime/session";
import { runCli } from "../runtime/support/run-cli";
import { describeForEachResourceType } from "./support/resource-types";
import { expectSuccess, TerraformSession } from "./support/session";
import { obsPath } from "./support/stacks";

describeForEachResourceType("drift found by diff, repaired through terraform", (resourceType) => {
  let session: TerraformSession;
  const group = (stack: TerraformStack, id: string) =>
    new FilePackageGroup(stack, id, { group: id, region: "cn-north-4", paths: [obsPath(`${id}/job.py`), obsPath(`${id}/conf.json`)], resourceType });
  const diff = (...flags: string[]) => runCli(["diff", session.stackDir, ...flags], session.env());

  beforeAll(async () => {
    session = await TerraformSession.start(`drift-${resourceType}`);
    session.synth((stack) => {
      group(stack, "gatk");
      group(stack, "tools");
    });
    expectSuccess(await session.run(["init", "-input=false"]));
    expectSuccess(await session.apply());
  });
  afterAll(async () => {
    await session?.close();
  });

  test("after apply, diff of the synthesized stack is in sync", async () => {
    const result = await diff();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^no drift \(2 groups\)$/m);
  });

  test("a package deleted in the console: plan sees nothing, diff does; apply -replace of the address diff printed repairs it", async () => {
    const console = await openSession({ region: "cn-north-4", env: session.env(), progress: silentProgress });
    try {
      await console.client.deletePackage("conf.json", "gatk");
    } finally {
      await console.close();
    }
    const plan = await session.run(["plan", "-input=false", "-detailed-exitcode"]);
    expect(plan.code).toBe(0); // 0 = no changes: Terraform cannot see it

    const found = await diff("--json");
    expect(found.code).toBe(2);
    const drifted = JSON.parse(found.stdout).groups.find((g: { group: string }) => g.group === "gatk");
    expect(drifted).toMatchObject({ state: "drift", missing: ["conf.json"], resource: expect.stringMatching(new RegExp(`^${resourceType}\\.`)) });

    expectSuccess(await session.apply(`-replace=${drifted.resource}`));
    expect(session.live("gatk")).toEqual(["conf.json:READY", "job.py:READY"]);
    expect((await diff()).code).toBe(0);
  });

  test("a construct deleted from the code leaves an orphan; diff --orphans prints the command that deletes it", async () => {
    session.synth((stack) => group(stack, "gatk"));
    expectSuccess(await session.apply());
    expect(session.live("tools")).toEqual(["conf.json:READY", "job.py:READY"]);

    const found = await diff("--orphans");
    expect(found.code).toBe(2);
    const command = /delete with: (dli-packages delete-group --group tools .*)$/m.exec(found.stdout)?.[1];
    expect(command).toBeDefined();
    const removed = await runCli([...command!.split(" ").slice(1), "--yes"], session.env());
    expect(removed.code).toBe(0);
    expect(session.live("tools")).toBeUndefined();
    expect((await diff("--orphans")).code).toBe(0);
  });
});
