import { Construct } from "constructs";
import { PackageGroup } from "./package-group";
import { PackageGroupKindProps } from "./props";

/**
 * A DLI package group of kind `pyFile` (uploaded with `POST /v2.0/{project_id}/resources/pyfiles`).
 * See {@link PackageGroup} for what it synthesizes.
 */
export class PyFilePackageGroup extends PackageGroup {
  constructor(scope: Construct, id: string, props: PackageGroupKindProps) {
    super(scope, id, { ...props, kind: "pyFile" });
  }
}
