/**
 * What the synthesized JSON carries for handing a group over (issue 15): each stack lists the
 * package groups of the App's *other* stacks under `"//"` (Terraform ignores it), with tokens
 * never resolved across stacks; a one-stack App gets nothing extra. And the synth-time refusal
 * of a `PackageGroupRemoval` (DESTROY) of a group the App still declares.
 */
import { App, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePackageGroup, JarPackageGroup, PackageGroupRemoval, RemovalPolicy, ResourceType } from "../../lib";
import { OTHER_STACKS_KEY, UNKNOWN_VALUE } from "../../lib/contract/declarations";
import { props } from "./support/helpers";

const TYPES = [ResourceType.NULL_RESOURCE, ResourceType.TERRAFORM_DATA];

/** Synthesizes an App with one stack per entry and returns each stack's parsed cdk.tf.json. */
function synthApp(stacks: Record<string, (stack: TerraformStack) => void>): Record<string, any> {
  const outdir = mkdtempSync(join(tmpdir(), "dli-handover-synth-"));
  try {
    const app = new App({ outdir });
    for (const [name, declare] of Object.entries(stacks)) declare(new TerraformStack(app, name));
    app.synth();
    const out: Record<string, any> = {};
    for (const name of Object.keys(stacks)) out[name] = JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
    return out;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe.each(TYPES)("groups of the other stacks (%s)", (resourceType) => {
  test("each stack lists the other stacks' groups, sorted, with their content addresses; never its own", () => {
    const tf = synthApp({
      one: (s) => {
        new FilePackageGroup(s, "a", props({ group: "a", resourceType }));
      },
      two: (s) => {
        new JarPackageGroup(new Construct(s, "team"), "c", props({ group: "c", resourceType, projectId: "0123456789abcdef0123456789abcdef" }));
        new FilePackageGroup(s, "b", props({ group: "b", resourceType, endpoint: "https://dli.example.test" }));
      },
      empty: () => undefined,
    });
    const contentOf = (stack: string, prefix: string) => `${resourceType}.${Object.keys(tf[stack].resource[resourceType]).find((n) => n.startsWith(`${prefix}_content_`))}`;
    const a = { stack: "one", address: contentOf("one", "a"), group: "a", region: "cn-north-4" };
    const b = { stack: "two", address: contentOf("two", "b"), group: "b", region: "cn-north-4", endpoint: "https://dli.example.test" };
    const c = { stack: "two", address: contentOf("two", "team_c"), group: "c", region: "cn-north-4", projectId: "0123456789abcdef0123456789abcdef" };
    expect(tf.one["//"][OTHER_STACKS_KEY]).toEqual([b, c].sort((x, y) => (x.address < y.address ? -1 : 1)));
    expect(tf.two["//"][OTHER_STACKS_KEY]).toEqual([a]);
    // A stack without package groups has no delete-group to inform.
    expect(tf.empty["//"][OTHER_STACKS_KEY]).toBeUndefined();
  });

  test("a one-stack App gets nothing extra under \"//\"", () => {
    const tf = synthApp({ only: (s) => void new FilePackageGroup(s, "a", props({ resourceType })) });
    expect(Object.keys(tf.only["//"]).sort()).toEqual(["metadata", "outputs"]);
  });

  test("tokens of another stack are written as 'known at apply time', never resolved (no cross-stack reference)", () => {
    const tf = synthApp({
      one: (s) => void new FilePackageGroup(s, "a", props({ group: "a", resourceType })),
      two: (s) => {
        const project = new TerraformVariable(s, "project", { type: "string" });
        new FilePackageGroup(s, "b", props({ group: "b", resourceType, projectId: project.stringValue }));
      },
    });
    expect(tf.one["//"][OTHER_STACKS_KEY]).toEqual([expect.objectContaining({ group: "b", projectId: UNKNOWN_VALUE })]);
    // the written form is a contract with runtimes of other versions: pinned as text
    expect(OTHER_STACKS_KEY).toBe("dli-packages-groups-of-other-stacks");
    expect(UNKNOWN_VALUE).toBe("(known at apply time)");
    expect(JSON.stringify(tf.one)).not.toContain("var.project");
    expect(tf.one.data).toBeUndefined(); // no terraform_remote_state: nothing was referenced across stacks
  });

  test("synth is deterministic: the same App twice gives the same JSON", () => {
    const declare = {
      one: (s: TerraformStack) => void new FilePackageGroup(s, "a", props({ group: "a", resourceType })),
      two: (s: TerraformStack) => void new FilePackageGroup(s, "b", props({ group: "b", resourceType })),
    };
    expect(synthApp(declare)).toEqual(synthApp(declare));
  });
});

describe("PackageGroupRemoval (DESTROY) of a group the App still declares is refused at synth", () => {
  const synthOf = (declare: (app: App) => void) => {
    const app = Testing.app();
    declare(app);
    return () => app.synth();
  };

  test("the cross-stack move done with a removal: same path in another stack → one line naming both paths", () => {
    const run = synthOf((app) => {
      new PackageGroupRemoval(new TerraformStack(app, "old"), "gatk", { resourceType: ResourceType.TERRAFORM_DATA });
      new FilePackageGroup(new TerraformStack(app, "new"), "gatk", props({ resourceType: ResourceType.TERRAFORM_DATA }));
    });
    expect(run).toThrow(/PackageGroupRemoval "old\/gatk" would delete a group the App still declares: "new\/gatk" \(group "gatk"\) has the same path in another stack\. A construct moved to another stack needs no removal .*delete the PackageGroupRemoval, or, if the removed construct had another group, name it in the removal's `group` prop\./);
  });

  test("a removal that names its group is refused when any construct of the App declares that group, and allowed otherwise", () => {
    const refused = synthOf((app) => {
      new PackageGroupRemoval(new TerraformStack(app, "old"), "legacy", { group: "gatk" });
      new FilePackageGroup(new Construct(new TerraformStack(app, "new"), "team"), "jobs", props({ group: "gatk" }));
    });
    expect(refused).toThrow(/PackageGroupRemoval "old\/legacy" would delete a group the App still declares: its group "gatk" is declared by "new\/team\/jobs"/);
    const allowed = synthOf((app) => {
      new PackageGroupRemoval(new TerraformStack(app, "old"), "gatk", { group: "gatk-old" });
      new FilePackageGroup(new TerraformStack(app, "new"), "gatk", props({ group: "gatk" }));
    });
    expect(allowed).not.toThrow();
  });

  test("the same path means the same ids scope by scope: old/ab/c is not new/a/bc", () => {
    const run = synthOf((app) => {
      new PackageGroupRemoval(new Construct(new TerraformStack(app, "old"), "ab"), "c", { resourceType: ResourceType.TERRAFORM_DATA });
      new FilePackageGroup(new Construct(new TerraformStack(app, "new"), "a"), "bc", props({ resourceType: ResourceType.TERRAFORM_DATA }));
    });
    expect(run).not.toThrow();
  });

  test("RETAIN removals and removals of groups nobody declares synthesize", () => {
    const run = synthOf((app) => {
      new PackageGroupRemoval(new TerraformStack(app, "old"), "gatk", { removalPolicy: RemovalPolicy.RETAIN });
      const other = new TerraformStack(app, "new");
      new FilePackageGroup(other, "gatk", props());
      new PackageGroupRemoval(other, "gone");
    });
    expect(run).not.toThrow();
  });
});
