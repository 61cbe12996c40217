/**
 * The hashicorp/null provider, added to a stack once when a package group uses
 * `null_resource`. If the user declares their own (default, un-aliased) null provider anywhere
 * in the stack — before or after our constructs — ours synthesizes to nothing.
 */
import { TerraformStack } from "./framework";
import { stepsAsideForUserProvider } from "./auto-provider";
import { NullProvider } from "./null-classes";

/** Construct id of the automatically added provider on the stack. */
export const AUTO_NULL_PROVIDER_ID = "DliPackagesNullProvider";

/** The null provider, stepping aside for a user's own null provider. */
class AutoNullProvider extends stepsAsideForUserProvider(NullProvider) {}

/** Make sure the stack can configure `null_resource` (idempotent). */
export function ensureNullProvider(stack: TerraformStack): void {
  if (!stack.node.tryFindChild(AUTO_NULL_PROVIDER_ID)) new AutoNullProvider(stack, AUTO_NULL_PROVIDER_ID);
}
