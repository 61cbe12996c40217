/**
 * The local-files example stack: a jar this example builds itself (build-jar.ts) becomes a
 * package of a DLI group in the same apply, staged into OBS under a content-addressed key
 * (docs/lifecycle.md "Local files"), next to a jar that already sits in OBS.
 */
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { JarPackageGroup, ResourceType } from "../../lib";

export interface LocalFilesStackOptions {
  /** The jar to stage: a path relative to the working directory, or absolute. */
  readonly jar: string;
  /** @default ResourceType.TERRAFORM_DATA (no provider download) */
  readonly resourceType?: ResourceType;
}

const BUCKET = "https://dli-examples.obs.cn-north-4.myhuaweicloud.com";
/** The bucket the example stages into (the demo's dli-local serves it). */
export const STAGING = "https://dli-examples-staging.obs.cn-north-4.myhuaweicloud.com/dli-staging/";

export class LocalFilesStack extends TerraformStack {
  public readonly udfs: JarPackageGroup;

  constructor(scope: Construct, id: string, options: LocalFilesStackOptions) {
    super(scope, id);
    new LocalBackend(this, { path: "terraform.tfstate" });
    this.udfs = new JarPackageGroup(this, "udfs", {
      group: "udfs",
      region: "cn-north-4",
      paths: [`${BUCKET}/jars/common/udf-lib.jar`],
      files: [options.jar],
      staging: STAGING,
      resourceType: options.resourceType ?? ResourceType.TERRAFORM_DATA,
    });
    // The staged object's URL: the content-addressed key a DLI job could also read directly.
    new TerraformOutput(this, "staged_jar", { value: this.udfs.spec.paths[this.udfs.spec.paths.length - 1] });
  }
}
