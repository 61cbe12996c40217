/**
 * The example stack: one file group and one jar group in cn-north-4.
 *
 * Resource type: TERRAFORM_DATA by default, because it is built into Terraform (>= 1.4) and
 * needs no provider download, so `npm run demo` can apply it on a machine without registry
 * access. Set DLI_EXAMPLE_RESOURCE_TYPE=null_resource to synthesize the library's default
 * (`null_resource`, hashicorp/null provider) instead.
 *
 * DLI_EXAMPLE_RELEASE (default 1) picks the jar release, so the demo can show a path change.
 * The endpoint is left unset: at apply time the runtime derives it from the region, or takes
 * HW_DLI_ENDPOINT (how the demo points it at the local emulator).
 */
import { LocalBackend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { FilePackageGroup, JarPackageGroup, ResourceType } from "../../lib";

export interface BasicStackOptions {
  /** @default ResourceType.TERRAFORM_DATA */
  readonly resourceType?: ResourceType;
  /** Release number in the jar's object key. @default 1 */
  readonly release?: number;
}

const BUCKET = "https://dli-examples.obs.cn-north-4.myhuaweicloud.com";

export class BasicStack extends TerraformStack {
  public readonly reports: FilePackageGroup;
  public readonly jobs: JarPackageGroup;

  constructor(scope: Construct, id: string, options: BasicStackOptions = {}) {
    super(scope, id);
    // State beside cdk.tf.json (cdktf's default is an absolute path under the current
    // directory, which would make the synthesized JSON machine-dependent).
    new LocalBackend(this, { path: "terraform.tfstate" });
    const resourceType = options.resourceType ?? ResourceType.TERRAFORM_DATA;
    const release = options.release ?? 1;

    this.reports = new FilePackageGroup(this, "reports", {
      group: "reports",
      region: "cn-north-4",
      paths: [`${BUCKET}/config/report-template.json`, `${BUCKET}/config/regions.csv`],
      resourceType,
    });

    this.jobs = new JarPackageGroup(this, "jobs", {
      group: "spark-jobs",
      region: "cn-north-4",
      paths: [`${BUCKET}/jars/release-${release}/etl-job.jar`, `${BUCKET}/jars/common/udf-lib.jar`],
      resourceType,
    });
  }
}

/** Options from the environment (the demo sets them). */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): BasicStackOptions {
  const type = env.DLI_EXAMPLE_RESOURCE_TYPE;
  if (type !== undefined && type !== ResourceType.NULL_RESOURCE && type !== ResourceType.TERRAFORM_DATA) {
    throw new Error(`DLI_EXAMPLE_RESOURCE_TYPE must be null_resource or terraform_data, got '${type}'`);
  }
  const release = env.DLI_EXAMPLE_RELEASE === undefined ? undefined : Number(env.DLI_EXAMPLE_RELEASE);
  if (release !== undefined && !(Number.isInteger(release) && release > 0)) {
    throw new Error(`DLI_EXAMPLE_RELEASE must be a positive whole number, got '${env.DLI_EXAMPLE_RELEASE}'`);
  }
  return { resourceType: type as ResourceType | undefined, release };
}
