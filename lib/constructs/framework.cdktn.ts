/**
 * The framework core of the constructs for CDK Terrain: cdktn 0.24 (`cdktf-dli-packages/cdktn`).
 *
 * Same exports as `./framework` (the cdktf core), which the build replaces by this module in
 * the dist/lib/cdktn/ copy of the constructs and in the `cdktn-dli-packages` assembly
 * (scripts/build-cores.mjs, scripts/build-jsii.mjs). The hashicorp/null provider and
 * `null_resource` are defined on whichever core this is, in null-classes.ts.
 */
import { frameworkCoreMissingError } from "./errors";

// Before the re-export below loads cdktn (CommonJS output keeps this order): without cdktn, one
// line naming the entry to import instead of "Cannot find module 'cdktn'" and a require stack.
assertCoreInstalled();

export {
  AssetType,
  TerraformAsset,
  TerraformElement,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  Token,
  anyToHclTerraform,
  hashMapper,
  hashMapperHcl,
  stringToHclTerraform,
  stringToTerraform,
} from "cdktn";
export type { LocalExecProvisioner, TerraformMetaArguments } from "cdktn";

/** Name of the npm package this core is. */
export const FRAMEWORK_PACKAGE = "cdktn";

/** Loads cdktn (the same module instance the imports get; bundlers see a plain require); missing → our one line. */
function assertCoreInstalled(): void {
  try {
    require("cdktn");
  } catch (error) {
    const missing = (error as { code?: string }).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes("'cdktn'");
    throw missing ? frameworkCoreMissingError("cdktn") : error;
  }
}
