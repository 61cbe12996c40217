/**
 * Deleting the DLI group of a package-group construct that is being removed from the code.
 *
 * Terraform does not run destroy-time provisioners for a resource block that is deleted from
 * the configuration: the resources leave the state and the group stays in DLI ("orphaned").
 * `PackageGroupRemoval` synthesizes Terraform `removed` blocks (Terraform >= 1.9) for the two
 * lifecycle resources the removed construct had, the identity one carrying the destroy-time
 * `delete-group` provisioner, which reads the group from the state (`self.…`).
 *
 * Use the same scope and id the removed construct had: that gives the same resource addresses.
 */
import { TerraformElement, TerraformStack } from "./framework";
import { Construct } from "constructs";
import { invalidPropsError, removalOfDeclaredGroupError } from "./errors";
import { declarationRemovedBy } from "./group-ownership";
import { CONTENT_ID, deleteGroupProvisioner, IDENTITY_ID } from "./lifecycle-resources";
import { RemovalPolicy, ResourceType } from "./props";
import { checkResourceType } from "./validate";
import { checkRemovalPolicy } from "../contract";
import { requireTerraformVersion } from "./terraform-version";

/** Props of {@link PackageGroupRemoval}. */
export interface PackageGroupRemovalProps {
  /**
   * The resource type the removed construct used (it is part of the resource addresses).
   * @default ResourceType.NULL_RESOURCE
   */
  readonly resourceType?: ResourceType;
  /**
   * `DESTROY` deletes the group's packages (the removed identity resource runs `delete-group`);
   * `RETAIN` only makes Terraform forget the resources and leaves the group in DLI.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The DLI group name the removed construct had. Only checked at synth time: a DESTROY removal
   * of a group that a package-group construct of the same App declares is refused (the group was
   * moved, not removed). The group deleted at apply time is always the one in the state.
   * @default - not named: a package-group construct at the same path in another stack of the App is taken as the moved construct
   */
  readonly group?: string;
}

/** One `removed` block, for one of the two lifecycle resources of the removed construct. */
class RemovedBlock extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly resourceType: ResourceType,
    private readonly destroy: boolean,
    private readonly runsDeleteGroup: boolean,
    private readonly declaredBy: () => string,
  ) {
    super(scope, id);
  }

  /** The address of the resource this block removes, e.g. `terraform_data.gatk_identity_1A2B3C4D`. */
  public get address(): string {
    return `${this.resourceType}.${this.friendlyUniqueId}`;
  }

  public override toTerraform(): any {
    const block: Record<string, unknown> = {
      from: this.address,
      lifecycle: { destroy: this.destroy },
    };
    if (this.runsDeleteGroup) {
      const { type, ...provisioner } = deleteGroupProvisioner(TerraformStack.of(this), this.resourceType, this.declaredBy());
      block.provisioner = [{ [type]: provisioner }];
    }
    // Arrays of fragments are concatenated when the stack merges its elements, so every
    // removal in a stack ends up in the one top-level `removed` list.
    return { removed: [block] };
  }
}

/**
 * Put this where a package-group construct used to be (same scope, same id) to delete its
 * DLI group on the next `terraform apply`:
 *
 * ```ts fixture=removal
 * // was: new FilePackageGroup(stack, "gatk", { group: "gatk", … , resourceType: ResourceType.TERRAFORM_DATA });
 * new PackageGroupRemoval(stack, "gatk", { resourceType: ResourceType.TERRAFORM_DATA });
 * ```
 *
 * Keep it until that apply has run everywhere the stack is deployed; afterwards it is a no-op
 * (a `removed` block whose resource is not in the state does nothing) and can be deleted.
 */
export class PackageGroupRemoval extends Construct {
  /** Address of the removed identity resource. */
  public readonly identityAddress: string;
  /** Address of the removed content resource. */
  public readonly contentAddress: string;

  constructor(scope: Construct, id: string, props: PackageGroupRemovalProps = {}) {
    super(scope, id);
    const resourceType = props.resourceType ?? ResourceType.NULL_RESOURCE;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const problems = [...checkResourceType(resourceType), ...checkRemovalPolicy(removalPolicy)];
    if (problems.length > 0) throw invalidPropsError("PackageGroupRemoval", this.node.path, problems);
    requireTerraformVersion(this, "1.9", "`removed` blocks (PackageGroupRemoval) need Terraform 1.9");
    const destroy = removalPolicy === RemovalPolicy.DESTROY;
    // `delete-group` is told the removed content resource's address: no resource of the
    // configuration has it, so any resource that declares the group at apply time is another
    // owner, and the runtime leaves the group to it.
    const identity = new RemovedBlock(this, IDENTITY_ID, resourceType, destroy, destroy, () => content.address);
    const content: RemovedBlock = new RemovedBlock(this, CONTENT_ID, resourceType, destroy, false, () => "");
    this.identityAddress = identity.address;
    this.contentAddress = content.address;
    if (destroy) {
      // Checked when the stack is synthesized, once every construct of the App exists.
      this.node.addValidation({
        validate: () => {
          const declaration = declarationRemovedBy(this, props.group);
          return declaration ? [removalOfDeclaredGroupError(this.node.path, declaration.construct.node.path, declaration.spec.group, props.group !== undefined).message] : [];
        },
      });
    }
  }
}
