import { Construct } from "constructs";
import { PackageGroup } from "./package-group";
import { PackageGroupKindProps } from "./props";

/**
 * A DLI package group of kind `modelFile` (uploaded with the generic `POST /v2.0/{project_id}/resources` with `kind`).
 * See {@link PackageGroup} for what it synthesizes.
 */
export class ModelFilePackageGroup extends PackageGroup {
  constructor(scope: Construct, id: string, props: PackageGroupKindProps) {
    super(scope, id, { ...props, kind: "modelFile" });
  }
}
