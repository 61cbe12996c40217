/**
 * Providers the constructs add to a stack by themselves (hashicorp/null for `null_resource`,
 * hashicorp/external for the drift check) step aside when the user declares their own default
 * (un-aliased) provider of the same type anywhere in the stack, before or after our constructs:
 * theirs, with their version constraint, is the one Terraform gets.
 */
import { TerraformProvider, TerraformStack } from "./framework";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ProviderClass = abstract new (...args: any[]) => TerraformProvider;

/** Whether the stack of `ours` declares another default provider of its type. */
function userProviderDeclared(ours: TerraformProvider): boolean {
  return TerraformStack.of(ours)
    .node.findAll()
    .some((c) => c !== ours && TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === ours.terraformResourceType && !c.alias);
}

/** `Base`, synthesizing to nothing (no provider block, no required_providers entry) when the user declares their own. */
export function stepsAsideForUserProvider<T extends ProviderClass>(Base: T): T {
  abstract class SteppingAside extends Base {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    public override toTerraform(): any {
      return userProviderDeclared(this) ? {} : super.toTerraform();
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    public override toHclTerraform(): any {
      return userProviderDeclared(this) ? {} : super.toHclTerraform();
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    public override toMetadata(): any {
      return userProviderDeclared(this) ? {} : super.toMetadata();
    }
  }
  // Typed as `Base`: the overrides change no signature (and a class expression's type cannot be
  // exported with the framework's protected members).
  return SteppingAside as unknown as T;
}
