import { Construct } from "constructs";
import { PackageGroup } from "./package-group";
import { PackageGroupKindProps } from "./props";

/**
 * A DLI package group of kind `file` (uploaded with `POST /v2.0/{project_id}/resources/files`).
 * See {@link PackageGroup} for what it synthesizes.
 */
export class FilePackageGroup extends PackageGroup {
  constructor(scope: Construct, id: string, props: PackageGroupKindProps) {
    super(scope, id, { ...props, kind: "file" });
  }
}
