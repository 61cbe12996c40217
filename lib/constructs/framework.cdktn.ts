/**
 * The framework core of the constructs for CDK Terrain: cdktn 0.24 (`cdktf-dli-packages/cdktn`).
 *
 * Same exports as `./framework` (the cdktf core), which the build replaces by this module in
 * the dist/lib/cdktn/ copy of the constructs (scripts/build-cores.mjs). No
 * `@cdktn/provider-null` exists, and @cdktf/provider-null extends cdktf's classes, so the
 * hashicorp/null provider and `null_resource` are defined here on cdktn, synthesizing exactly
 * what @cdktf/provider-null 11 does (test/cores/same-json.test.ts compares the two entries).
 */
import { Construct } from "constructs";
import { frameworkCoreMissingError } from "./errors";

// Before the imports below load cdktn (CommonJS output keeps this order): without cdktn, one
// line naming the entry to import instead of "Cannot find module 'cdktn'" and a require stack.
assertCoreInstalled();

import {
  hashMapper,
  hashMapperHcl,
  LocalExecProvisioner,
  stringToHclTerraform,
  stringToTerraform,
  TerraformProvider,
  TerraformResource,
} from "cdktn";

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
} from "cdktn";
export type { LocalExecProvisioner, TerraformMetaArguments } from "cdktn";

/** Loads cdktn (the same module instance the imports get; bundlers see a plain require); missing → our one line. */
function assertCoreInstalled(): void {
  try {
    require("cdktn");
  } catch (error) {
    const missing = (error as { code?: string }).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes("'cdktn'");
    throw missing ? frameworkCoreMissingError("cdktn") : error;
  }
}

/** Name of the npm package this core is. */
export const FRAMEWORK_PACKAGE = "cdktn";

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

/** The provider metadata @cdktf/provider-null 11.0.1 was generated with (hashicorp/null 3.2.4). */
const NULL_GENERATOR_METADATA = { providerName: "null", providerVersion: "3.2.4", providerVersionConstraint: "~> 3.0" };

/** `provider "null" {}` with `required_providers.null = { source = "null", version = "3.2.4" }`. */
class NullProvider extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: "null",
      terraformGeneratorMetadata: NULL_GENERATOR_METADATA,
      terraformProviderSource: "null",
    });
  }

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {};
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    return {};
  }
}

/** `null_resource` with `triggers`, the only attribute the lifecycle resources set. */
class NullResource extends TerraformResource {
  private readonly triggers: Record<string, string>;

  constructor(scope: Construct, id: string, config: NullResourceConfig) {
    super(scope, id, {
      terraformResourceType: "null_resource",
      terraformGeneratorMetadata: NULL_GENERATOR_METADATA,
      provisioners: config.provisioners,
    });
    this.triggers = config.triggers;
  }

  protected override synthesizeAttributes(): { [name: string]: any } {
    return { triggers: hashMapper(stringToTerraform)(this.triggers) };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    return {
      triggers: { value: hashMapperHcl(stringToHclTerraform)(this.triggers), isBlock: false, type: "map", storageClassType: "stringMap" },
    };
  }
}

const NULL_CLASSES: NullProviderClasses = { NullProvider, NullResource };

/** On cdktn: our own hashicorp/null classes (no provider package to install). */
export function nullProviderClasses(): NullProviderClasses {
  return NULL_CLASSES;
}
