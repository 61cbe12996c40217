/**
 * The hashicorp/null provider, added to a stack once when a package group uses
 * `null_resource`. If the user declares their own (default, un-aliased) null provider anywhere
 * in the stack — before or after our constructs — ours synthesizes to nothing.
 */
import { Construct } from "constructs";
import { nullProviderClasses, TerraformProvider, TerraformStack } from "./framework";

/** Construct id of the automatically added provider on the stack. */
export const AUTO_NULL_PROVIDER_ID = "DliPackagesNullProvider";

type ProviderClass = new (scope: Construct, id: string) => TerraformProvider;
let autoNullProvider: { base: ProviderClass; auto: ProviderClass } | undefined;

/** The core's null provider class, extended to step aside for a user's own null provider. */
function autoNullProviderClass(): ProviderClass {
  const base = nullProviderClasses().NullProvider;
  if (autoNullProvider?.base !== base) {
    class AutoNullProvider extends base {
      private userProviderDeclared(): boolean {
        const stack = TerraformStack.of(this);
        return stack.node
          .findAll()
          .some((c) => c !== this && TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === "null" && !c.alias);
      }

      public override toTerraform(): any {
        return this.userProviderDeclared() ? {} : super.toTerraform();
      }

      public override toHclTerraform(): any {
        return this.userProviderDeclared() ? {} : super.toHclTerraform();
      }

      public override toMetadata(): any {
        return this.userProviderDeclared() ? {} : super.toMetadata();
      }
    }
    autoNullProvider = { base, auto: AutoNullProvider };
  }
  return autoNullProvider.auto;
}

/** Make sure the stack can configure `null_resource` (idempotent). */
export function ensureNullProvider(stack: TerraformStack): void {
  if (!stack.node.tryFindChild(AUTO_NULL_PROVIDER_ID)) new (autoNullProviderClass())(stack, AUTO_NULL_PROVIDER_ID);
}
