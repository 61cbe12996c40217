/**
 * The hashicorp/external provider, added to a stack once by `PackageGroupDriftCheck` (the scoped
 * `data "external"` of its check block). Like the null provider (null-provider.ts), it
 * synthesizes to nothing when the user declares their own default (un-aliased) external provider
 * anywhere in the stack, so their version constraint wins.
 */
import { Construct } from "constructs";
import { TerraformProvider, TerraformStack } from "./framework";
import { stepsAsideForUserProvider } from "./auto-provider";
import { EXTERNAL_PROVIDER } from "../contract/drift-check";

/** Construct id of the automatically added provider on the stack. */
export const AUTO_EXTERNAL_PROVIDER_ID = "DliPackagesExternalProvider";

/** `provider "external" {}` with `required_providers.external = { source = "hashicorp/external", version = "~> 2.3" }`. */
class AutoExternalProvider extends stepsAsideForUserProvider(TerraformProvider) {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: "external",
      terraformGeneratorMetadata: { providerName: "external", providerVersionConstraint: EXTERNAL_PROVIDER.versionConstraint },
      terraformProviderSource: EXTERNAL_PROVIDER.source,
    });
  }
}

/** Make sure the stack can read `data "external"` (idempotent). */
export function ensureExternalProvider(stack: TerraformStack): void {
  if (!stack.node.tryFindChild(AUTO_EXTERNAL_PROVIDER_ID)) new AutoExternalProvider(stack, AUTO_EXTERNAL_PROVIDER_ID);
}
