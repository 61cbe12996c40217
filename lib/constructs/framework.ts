/**
 * The framework core of the constructs: cdktf 0.21 (this package's main entry).
 *
 * Every construct module takes its framework classes from `./framework`, never from "cdktf"
 * itself, so the same compiled constructs serve a second core: the build copies them to
 * dist/lib/cdktn/ with this module swapped for `framework.cdktn.ts` (scripts/build-cores.mjs;
 * the cdktn jest project does the same swap with moduleNameMapper). Both framework modules
 * export the same names; see docs/design-notes.md "One source, two cores".
 */
import { Construct } from "constructs";
import type { LocalExecProvisioner, TerraformProvider, TerraformResource } from "cdktf";
import { frameworkCoreMissingError, nullProviderMissingError } from "./errors";

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
  stringToTerraform,
} from "cdktf";
export type { LocalExecProvisioner, TerraformMetaArguments } from "cdktf";

/** Name of the npm package this core is. */
export const FRAMEWORK_PACKAGE = "cdktf";

/** What a lifecycle `null_resource` is built from. */
export interface NullResourceConfig {
  readonly triggers: Record<string, string>;
  readonly provisioners?: LocalExecProvisioner[];
}

/** The hashicorp/null provider and its `null_resource`, as classes of this core. */
export interface NullProviderClasses {
  readonly NullProvider: new (scope: Construct, id: string) => TerraformProvider;
  readonly NullResource: new (scope: Construct, id: string, config: NullResourceConfig) => TerraformResource;
}

/** Loads cdktf (the same module instance the imports get; bundlers see a plain require); missing → our one line. */
function assertCoreInstalled(): void {
  try {
    require("cdktf");
  } catch (error) {
    const missing = (error as { code?: string }).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes("'cdktf'");
    throw missing ? frameworkCoreMissingError("cdktf") : error;
  }
}

const PROVIDER_NULL = "@cdktf/provider-null";
let nullClasses: NullProviderClasses | undefined;

/**
 * On cdktf: the classes of @cdktf/provider-null, an optional peer dependency, loaded on the
 * first `NULL_RESOURCE` group (a `TERRAFORM_DATA`-only app need not install it). Missing →
 * one line saying what to install.
 */
export function nullProviderClasses(): NullProviderClasses {
  if (!nullClasses) {
    try {
      nullClasses = {
        NullProvider: require("@cdktf/provider-null/lib/provider").NullProvider,
        NullResource: require("@cdktf/provider-null/lib/resource").Resource,
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(PROVIDER_NULL)) throw nullProviderMissingError(PROVIDER_NULL);
      throw error;
    }
  }
  return nullClasses!;
}
