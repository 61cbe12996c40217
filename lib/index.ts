// Public exports of cdktf-dli-packages (constructs and the contract types users may need).
export { PACKAGE_KINDS, SPEC_SCHEMA_VERSION } from "./contract";
export type { PackageKind, PackageGroupSpec } from "./contract";
