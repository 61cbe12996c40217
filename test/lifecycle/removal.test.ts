/**
 * Removal from code under real Terraform: what a plain deletion of a construct does (the group
 * is orphaned: Terraform runs no destroy provisioner for a deleted block), what
 * `PackageGroupRemoval` does (the group is deleted), and how RETAIN behaves.
 */
import { TerraformStack } from "cdktf";
import { FilePackageGroup, PackageGroupRemoval, RemovalPolicy } from "../../lib";
import { describeForEachResourceType } from "./support/resource-types";
import { expectSuccess, TerraformSession } from "./support/session";
import { obsPath } from "./support/stacks";

describeForEachResourceType("removal from code under real terraform", (resourceType) => {
  let session: TerraformSession;
  const group = (stack: TerraformStack, id: string, removalPolicy = RemovalPolicy.DESTROY) =>
    new FilePackageGroup(stack, id, {
      group: id,
      region: "cn-north-4",
      paths: [obsPath(`${id}/job.py`), obsPath(`${id}/conf.json`)],
      resourceType,
      removalPolicy,
    });

  beforeAll(async () => {
    session = await TerraformSession.start(`removal-${resourceType}`);
    session.synth((stack) => {
      group(stack, "orphaned");
      group(stack, "removed");
      group(stack, "retained-removal", RemovalPolicy.RETAIN);
      group(stack, "retained", RemovalPolicy.RETAIN);
    });
    expectSuccess(await session.run(["init", "-input=false"]));
    expectSuccess(await session.apply());
    for (const name of ["orphaned", "removed", "retained-removal", "retained"]) {
      expect(session.live(name)).toEqual(["conf.json:READY", "job.py:READY"]);
    }
  });
  afterAll(async () => {
    await session?.close();
  });

  test("construct deleted (plain or RETAIN) → out of the state, group orphaned; PackageGroupRemoval → group deleted", async () => {
    session.synth((stack) => {
      // "orphaned": deleted from the code, nothing in its place.
      new PackageGroupRemoval(stack, "removed", { resourceType });
      new PackageGroupRemoval(stack, "retained-removal", { resourceType, removalPolicy: RemovalPolicy.RETAIN });
      group(stack, "retained", RemovalPolicy.RETAIN);
    });
    session.emulator.clearRequests();
    expectSuccess(await session.apply());

    expect(session.live("orphaned")).toEqual(["conf.json:READY", "job.py:READY"]);
    expect(session.live("removed")).toBeUndefined();
    expect(session.live("retained-removal")).toEqual(["conf.json:READY", "job.py:READY"]);
    // Only the removed group's packages were deleted.
    const deleted = session.callsTo("DELETE").map((r) => `${r.path}?${r.query ?? ""}`);
    expect(deleted).toHaveLength(2);
    for (const call of deleted) expect(call).toContain("group=removed");

    const addresses = await session.stateAddresses();
    for (const gone of ["orphaned", "removed", "retained_removal"]) {
      expect(addresses.filter((a) => a.includes(`.${gone}_`))).toEqual([]);
    }
    expect(addresses.filter((a) => a.includes(".retained_"))).toHaveLength(2);
  });

  test("a PackageGroupRemoval left in the code is a no-op on the next apply", async () => {
    session.emulator.clearRequests();
    const result = await session.apply();
    expectSuccess(result);
    expect(result.output).toMatch(/No changes|0 added, 0 changed, 0 destroyed/);
    expect(session.emulator.requests()).toEqual([]);
  });

  test("destroy with RETAIN keeps the group in DLI", async () => {
    expectSuccess(await session.run(["destroy", "-auto-approve", "-input=false"]));
    expect(session.live("retained")).toEqual(["conf.json:READY", "job.py:READY"]);
    expect(await session.stateAddresses()).toEqual([]);
  });

  test("no terraform output contains the secret key", () => {
    for (const output of session.outputs) expect(output).not.toContain(session.emulator.env.HW_SECRET_KEY);
  });
});
