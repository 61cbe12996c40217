/**
 * `PackageGroup`: the kind-agnostic engine behind FilePackageGroup, JarPackageGroup,
 * PyFilePackageGroup and ModelFilePackageGroup.
 *
 * Synthesizes (design §3), under this construct:
 * - `identity` — triggers: spec version, kind, group, region, project id, endpoint;
 *   destroy-time local-exec `delete-group` (omitted under RemovalPolicy.RETAIN);
 * - `content` — triggers: the whole spec; create-time local-exec `upload-group` (which first
 *   stages the local `files` into OBS); depends on identity;
 * plus an asset per local file (local-files.ts) and, once per stack, the runtime asset, (for null_resource) the null provider, and the
 * record of the groups the App's other stacks declare (other-stacks-groups.ts).
 */
import { TerraformResource } from "./framework";
import { Construct } from "constructs";
import { PackageGroupSpec, PackageKind, packageNameOf, StagedFile } from "../contract";
import { invalidPropsError, unknownPackageError } from "./errors";
import { claimGroup } from "./group-ownership";
import { createLifecycleResources } from "./lifecycle-resources";
import { stageLocalFile } from "./local-files";
import { ensureGroupsOfOtherStacks } from "./other-stacks-groups";
import { PackageGroupProps, RemovalPolicy, ResourceType } from "./props";
import { specFromProps } from "./validate";

export class PackageGroup extends Construct {
  /** The validated spec written into the triggers (what the runtime reads back). */
  public readonly spec: PackageGroupSpec;
  /** DLI group name. */
  public readonly groupName: string;
  /** DLI package kind. */
  public readonly kind: PackageKind;
  /** Whether destroying the construct deletes the group. */
  public readonly removalPolicy: RemovalPolicy;
  /** Terraform resource type of the lifecycle resources. */
  public readonly resourceType: ResourceType;
  /** The identity resource (replaced when the group's identity changes). */
  public readonly identityResource: TerraformResource;
  /** The content resource (replaced when anything in the spec changes; runs `upload-group`). */
  public readonly contentResource: TerraformResource;
  private readonly names: string[];

  constructor(scope: Construct, id: string, props: PackageGroupProps) {
    super(scope, id);
    const checked = specFromProps(props);
    if (!checked.ok) {
      const name = (new.target as { name?: string }).name || "PackageGroup";
      throw invalidPropsError(name, this.node.path, checked.problems);
    }
    // Each local file's asset on the stack, now that every prop is known to be valid.
    const files = checked.localFiles.map((file) => stageLocalFile(this, file, checked.staging!));
    // The spec's paths are frozen: `paths` is a plain `string[]` in the jsii API (every language
    // gets the same type), and a push into it must not make `spec` disagree with the triggers.
    this.spec = {
      ...checked.spec,
      paths: Object.freeze([...checked.spec.paths]) as string[],
      ...(files.length > 0 ? { files: Object.freeze(files) as StagedFile[] } : {}),
    };
    claimGroup(this, this.spec);
    this.resourceType = checked.resourceType;
    this.groupName = this.spec.group;
    this.kind = this.spec.kind;
    this.removalPolicy = this.spec.removalPolicy as RemovalPolicy;
    this.names = this.spec.paths.map(packageNameOf);
    const resources = createLifecycleResources(this, this.spec, this.resourceType);
    this.identityResource = resources.identity;
    this.contentResource = resources.content;
    ensureGroupsOfOtherStacks(this);
  }

  /** Package names (last path segment of each path, then the base name of each file), in declaration order (a copy). */
  public get packageNames(): string[] {
    return [...this.names];
  }

  /**
   * `"group/name"`, the way DLI job configs reference a package of a group.
   * Throws if `name` is not one of {@link packageNames}.
   */
  public packageRef(name: string): string {
    if (!this.names.includes(name)) throw unknownPackageError(this.node.path, this.groupName, name, this.names);
    return `${this.groupName}/${name}`;
  }
}
