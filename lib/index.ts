// Public exports of cdktf-dli-packages: the constructs, their props and enums, the removal API
// and the contract types users may need (for example to read `group.spec`).
// Never import lib/runtime or lib/emulator from here (design §2).
export {
  Duration,
  RemovalPolicy,
  ResourceType,
  PackageGroup,
  FilePackageGroup,
  JarPackageGroup,
  PyFilePackageGroup,
  ModelFilePackageGroup,
  PackageGroupRemoval,
  PackageGroupDriftCheck,
} from "./constructs";
export type { PackageGroupKindProps, PackageGroupProps, PackageGroupRemovalProps } from "./constructs";
export {
  PACKAGE_KINDS,
  SPEC_SCHEMA_VERSION,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  MAX_WAIT_TIMEOUT_SECONDS,
} from "./contract";
export type { PackageKind, PackageGroupSpec, RemovalPolicyValue, StagedFile } from "./contract";
