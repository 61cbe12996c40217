/**
 * The props of the package-group constructs and the enums they use.
 */
import type { PackageKind } from "../contract";
import type { Duration } from "./duration";

/** What happens to the DLI group when its construct is destroyed (or replaced by a rename). */
export enum RemovalPolicy {
  /** `terraform destroy` (or a rename) deletes every package of the group. */
  DESTROY = "destroy",
  /** The group and its packages stay in DLI; Terraform only forgets them. */
  RETAIN = "retain",
}

/** Which Terraform resource type carries the lifecycle (same semantics either way). */
export enum ResourceType {
  /** `null_resource` from the hashicorp/null provider (added to the stack once if missing). */
  NULL_RESOURCE = "null_resource",
  /** `terraform_data`, built into Terraform >= 1.4: no provider download, works air-gapped. */
  TERRAFORM_DATA = "terraform_data",
}

/** Props shared by every package-group construct. */
export interface PackageGroupKindProps {
  /**
   * DLI group name: 1–64 letters, digits, `.`, `_` or `-`. Changing it deletes the old group
   * and uploads the new one. Must be a plain string (not a token).
   */
  readonly group: string;

  /**
   * OBS object URLs in virtual-hosted form,
   * `https://{bucket}.obs.{region}.myhuaweicloud.com/{key}` (or `.myhuaweicloud.eu`).
   * The package name is the last key segment; it must be unique within the group (across
   * `paths` and `files`). `obs://` URIs and path-style URLs are rejected. Must be plain strings
   * (not tokens). At least one path or one file.
   * @default - no OBS paths: every package is one of `files`
   */
  readonly paths?: string[];

  /**
   * Local files (relative to the app's working directory, or absolute) that become packages of
   * the group, next to `paths`: each is shipped with the synthesized stack as an asset and, at
   * apply time, staged into OBS at `<staging><SHA-256 of its content>/<base name>` before the
   * group is uploaded (skipped when that object is already there). The package name is the
   * file's base name. A changed file is a plan diff naming it; the staged objects are never
   * deleted by destroy (`dli-packages staging gc` lists the unreferenced). Must be plain strings
   * (not tokens); requires `staging`.
   * @default - no local files: every package is one of `paths`
   */
  readonly files?: string[];

  /**
   * The OBS URL prefix `files` are staged under:
   * `https://{bucket}.obs.{region}.myhuaweicloud.com/{prefix}/` (the group's region, a
   * non-empty prefix, ending in `/`). Must be a plain string (not a token).
   * @default - none; required when `files` is given
   */
  readonly staging?: string;

  /** Huawei Cloud region id, e.g. `cn-north-4`. Must be a plain string (not a token). */
  readonly region: string;

  /**
   * IAM project id (32 lower-case hex characters). May be a token.
   * @default - resolved at apply time: `HW_PROJECT_ID`, else IAM `GET /v3/projects?name={region}`
   */
  readonly projectId?: string;

  /**
   * DLI endpoint override (an https URL, or http on loopback for the emulator). May be a token.
   * @default - `https://dli.{region}.myhuaweicloud.com` (overridable at apply time by `HW_DLI_ENDPOINT`)
   */
  readonly endpoint?: string;

  /**
   * How long `upload-group` waits for every package to become READY: whole seconds
   * (1–43200) or a {@link Duration}. Must not be a token.
   * @default Duration.minutes(30)
   */
  readonly waitTimeout?: number | Duration;

  /**
   * Whether destroying the construct (or renaming the group) deletes the DLI group.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Terraform resource type of the two lifecycle resources.
   * @default ResourceType.NULL_RESOURCE
   */
  readonly resourceType?: ResourceType;
}

/** Props of the kind-agnostic {@link PackageGroup} engine. */
export interface PackageGroupProps extends PackageGroupKindProps {
  /** DLI package kind: `file`, `jar`, `pyFile` or `modelFile`. */
  readonly kind: PackageKind;
}
