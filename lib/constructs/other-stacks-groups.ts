/**
 * The package groups the *other* stacks of the App declare, written into each stack's
 * `cdk.tf.json` under `"//"` (Terraform ignores it: no plan change), so that a destroy-time
 * `delete-group` in this stack leaves alone a group that was handed to a construct in another
 * stack (docs/design-notes.md, "Handing a group over"). Nothing is written for a one-stack App.
 *
 * Values only known at apply time (tokens) are written as UNKNOWN_VALUE and never resolved
 * here: resolving another stack's token in this stack would create a cross-stack reference.
 */
import { Construct } from "constructs";
import { TerraformElement, TerraformResource, TerraformStack, Token } from "./framework";
import { OTHER_STACKS_KEY, OtherStackGroup, UNKNOWN_VALUE } from "../contract/declarations";
import { GroupDeclaration, groupDeclarationsOf } from "./group-ownership";
import { addressOf, CONTENT_ID } from "./lifecycle-resources";

/** Construct id of the element on the stack. */
const ELEMENT_ID = "DliPackagesGroupsOfOtherStacks";

class GroupsOfOtherStacks extends TerraformElement {
  public override toTerraform(): any {
    const stack = TerraformStack.of(this);
    const entries = groupDeclarationsOf(this)
      .filter((declaration) => TerraformStack.of(declaration.construct) !== stack)
      .map(otherStackGroup)
      .sort((a, b) => (a.stack === b.stack ? compare(a.address, b.address) : compare(a.stack, b.stack)));
    return entries.length > 0 ? { "//": { [OTHER_STACKS_KEY]: entries } } : {};
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function otherStackGroup({ construct, spec }: GroupDeclaration): OtherStackGroup {
  const content = construct.node.findChild(CONTENT_ID) as TerraformResource;
  const known = (value: string | undefined) => (value === undefined ? undefined : Token.isUnresolved(value) ? UNKNOWN_VALUE : value);
  return {
    stack: TerraformStack.of(construct).node.id,
    address: addressOf(content),
    group: spec.group,
    region: spec.region,
    projectId: known(spec.projectId),
    endpoint: known(spec.endpoint),
  };
}

/** Adds the element to `scope`'s stack once. */
export function ensureGroupsOfOtherStacks(scope: Construct): void {
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild(ELEMENT_ID)) new GroupsOfOtherStacks(stack, ELEMENT_ID);
}
