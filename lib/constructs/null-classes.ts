/**
 * The hashicorp/null provider and its `null_resource`, defined on the stack's framework core
 * (`./framework`, swapped per core), synthesizing exactly what @cdktf/provider-null 11.0.1 does.
 *
 * Both cores use these: on cdktn no `@cdktn/provider-null` exists (and @cdktf/provider-null
 * extends cdktf's classes); on cdktf, depending on @cdktf/provider-null would make it a
 * dependency of the jsii assembly in every language (docs/design-notes.md "jsii"), so a Python
 * cdktf app would need `cdktf-cdktf-provider-null` installed for a resource type it may not use.
 */
import { Construct } from "constructs";
import { hashMapper, hashMapperHcl, LocalExecProvisioner, stringToHclTerraform, stringToTerraform, TerraformProvider, TerraformResource } from "./framework";

/** What a lifecycle `null_resource` is built from. */
export interface NullResourceConfig {
  readonly triggers: Record<string, string>;
  readonly provisioners?: LocalExecProvisioner[];
}

/** The provider metadata @cdktf/provider-null 11.0.1 was generated with (hashicorp/null 3.2.4). */
const NULL_GENERATOR_METADATA = { providerName: "null", providerVersion: "3.2.4", providerVersionConstraint: "~> 3.0" };

/** `provider "null" {}` with `required_providers.null = { source = "null", version = "3.2.4" }`. */
export class NullProvider extends TerraformProvider {
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
export class NullResource extends TerraformResource {
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
