/**
 * The two lifecycle resources of a package group (design §3), for either resource type.
 *
 * - identity: triggers = the identity fields only; destroy-time `delete-group` (unless RETAIN).
 * - content: triggers = the whole spec; create-time `upload-group`; depends on identity.
 *
 * Provisioner environments are built only from `self.<triggers attribute>`, the one kind of
 * reference a destroy-time provisioner may use, and the values come from state. No credential
 * is ever written: the runtime reads them from the environment Terraform inherits.
 */
import { Construct } from "constructs";
import { LocalExecProvisioner, TerraformResource, TerraformStack } from "./framework";
import { NullResource } from "./null-classes";
import { IDENTITY_FIELDS, PackageGroupSpec, PROVISIONER_COMMANDS, SPEC_FIELDS, SPEC_VARIABLE, specToTriggers } from "../contract";
import { DECLARATION_ENV } from "../contract/declarations";
import { ensureNullProvider } from "./null-provider";
import { TerraformData } from "./terraform-data";
import { ResourceType } from "./props";
import { runtimeCommand } from "./runtime-asset";

/** Construct ids of the two resources under a package group (and under a removal). */
export const IDENTITY_ID = "identity";
export const CONTENT_ID = "content";

/** Name of the triggers attribute of each resource type. */
export function triggersAttribute(resourceType: ResourceType): string {
  return resourceType === ResourceType.TERRAFORM_DATA ? "triggers_replace" : "triggers";
}

/**
 * The provisioner's spec: `{ DLI_PACKAGES_SPEC: "${jsonencode(self.triggers_replace)}" }`, the
 * resource's whole trigger map in one entry (the runtime reads it back with the contract's
 * `specFromEnvironment` / `identityFromEnvironment`).
 */
export function selfEnvironment(resourceType: ResourceType): Record<string, string> {
  return { [SPEC_VARIABLE]: `\${jsonencode(self.${triggersAttribute(resourceType)})}` };
}

/** Terraform address of a resource, e.g. `terraform_data.gatk_content_1A2B3C4D`. */
export function addressOf(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/**
 * The destroy-time `delete-group` provisioner of an identity resource (or removed block).
 * `declaredBy` is the address of the content resource that declares the group on the same
 * construct's behalf: the runtime leaves the group alone when the configuration being applied
 * declares it through any *other* resource (a handover, docs/design-notes.md).
 */
export function deleteGroupProvisioner(stack: TerraformStack, resourceType: ResourceType, declaredBy: string): LocalExecProvisioner {
  return {
    type: "local-exec",
    when: "destroy",
    command: runtimeCommand(stack, PROVISIONER_COMMANDS.delete),
    environment: { ...selfEnvironment(resourceType), [DECLARATION_ENV.declaredBy]: declaredBy },
  };
}

/** The create-time `upload-group` provisioner of a content resource. */
export function uploadGroupProvisioner(stack: TerraformStack, resourceType: ResourceType): LocalExecProvisioner {
  return {
    type: "local-exec",
    command: runtimeCommand(stack, PROVISIONER_COMMANDS.upload),
    environment: selfEnvironment(resourceType),
  };
}

export interface LifecycleResources {
  readonly identity: TerraformResource;
  readonly content: TerraformResource;
}

/** Create the identity and content resources of a group under `scope`. */
export function createLifecycleResources(
  scope: Construct,
  spec: PackageGroupSpec,
  resourceType: ResourceType,
): LifecycleResources {
  const stack = TerraformStack.of(scope);
  const identityTriggers = specToTriggers(spec, IDENTITY_FIELDS);
  const contentTriggers = specToTriggers(spec, SPEC_FIELDS);
  const contentProvisioners = [uploadGroupProvisioner(stack, resourceType)];

  if (resourceType === ResourceType.NULL_RESOURCE) ensureNullProvider(stack);
  const identity = lifecycleResource(scope, IDENTITY_ID, resourceType, identityTriggers, [], []);
  const content = lifecycleResource(scope, CONTENT_ID, resourceType, contentTriggers, contentProvisioners, [identity]);
  // Set once the content resource (whose address it names) exists; same JSON position.
  if (spec.removalPolicy !== "retain") identity.provisioners = [deleteGroupProvisioner(stack, resourceType, addressOf(content))];
  return { identity, content };
}

/** One lifecycle resource of the given type: the two types differ only in the triggers attribute. */
function lifecycleResource(
  scope: Construct,
  id: string,
  resourceType: ResourceType,
  triggers: Record<string, string>,
  provisioners: LocalExecProvisioner[],
  dependsOn: TerraformResource[],
): TerraformResource {
  const common = { provisioners: provisioners.length > 0 ? provisioners : undefined };
  const resource =
    resourceType === ResourceType.TERRAFORM_DATA
      ? new TerraformData(scope, id, { triggersReplace: triggers, ...common })
      : new NullResource(scope, id, { triggers, ...common });
  // Plain addresses in `resource.dependsOn` rather than the `dependsOn: [resource]` prop: cdktf turns each dependable into a
  // reference token that captures a stack trace, a sixth of synth time for 1,000 groups.
  // Same JSON (bench/synth.bench.mjs, snapshots).
  if (dependsOn.length > 0) resource.dependsOn = dependsOn.map(addressOf);
  return resource;
}
