/**
 * The framework core of the constructs: cdktf 0.21 (this package's main entry).
 *
 * Every construct module takes its framework classes from `./framework`, never from "cdktf"
 * itself, so the same compiled constructs serve a second core: the build copies them to
 * dist/lib/cdktn/ with this module swapped for `framework.cdktn.ts` (scripts/build-cores.mjs;
 * the cdktn jest project does the same swap with moduleNameMapper, the `cdktn-dli-packages`
 * assembly is compiled from a copy with the same swap, scripts/build-jsii.mjs). Both framework
 * modules export the same names; see docs/design-notes.md "One source, two cores".
 */
import { frameworkCoreMissingError } from "./errors";

// Before the re-export below loads cdktf (CommonJS output keeps this order): without cdktf, one
// line naming the entry to import instead of "Cannot find module 'cdktf'" and a require stack.
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
} from "cdktf";
export type { LocalExecProvisioner, TerraformMetaArguments } from "cdktf";

/** Name of the npm package this core is. */
export const FRAMEWORK_PACKAGE = "cdktf";

/** Loads cdktf (the same module instance the imports get; bundlers see a plain require); missing → our one line. */
function assertCoreInstalled(): void {
  try {
    require("cdktf");
  } catch (error) {
    const missing = (error as { code?: string }).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes("'cdktf'");
    throw missing ? frameworkCoreMissingError("cdktf") : error;
  }
}
