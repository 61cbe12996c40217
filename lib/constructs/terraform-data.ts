/**
 * `terraform_data` (built into Terraform >= 1.4), with only what the lifecycle resources use.
 *
 * Why not cdktf's `DataResource`: it adds a validation to every instance that shells out to
 * `terraform version` at synth time — about 0.1 s per resource, 3 minutes for a stack of
 * 1,000 groups. Our resources share one cached check per process instead (terraform-version.ts).
 * The synthesized JSON is the same (`terraform_data` with `triggers_replace`).
 */
import {
  hashMapper,
  hashMapperHcl,
  stringToTerraform,
  TerraformMetaArguments,
  TerraformResource,
  anyToHclTerraform,
} from "./framework";
import { Construct } from "constructs";
import { requireTerraformVersion } from "./terraform-version";

export interface TerraformDataConfig extends TerraformMetaArguments {
  /** Stored in state; any change replaces the resource. */
  readonly triggersReplace: Record<string, string>;
}

export class TerraformData extends TerraformResource {
  public static readonly tfResourceType = "terraform_data";
  private readonly triggers: Record<string, string>;

  constructor(scope: Construct, id: string, config: TerraformDataConfig) {
    super(scope, id, {
      terraformResourceType: TerraformData.tfResourceType,
      terraformGeneratorMetadata: { providerName: "terraform" },
      dependsOn: config.dependsOn,
      provisioners: config.provisioners,
    });
    this.triggers = config.triggersReplace;
    requireTerraformVersion(this, "1.4", "terraform_data is built into Terraform from 1.4 on");
  }

  protected override synthesizeAttributes(): { [name: string]: any } {
    return { triggers_replace: hashMapper(stringToTerraform)(this.triggers) };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    return { triggers_replace: hashMapperHcl(anyToHclTerraform)(this.triggers) };
  }
}
