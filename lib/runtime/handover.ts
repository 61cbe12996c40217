/**
 * Handing a group over (issue 15, docs/design-notes.md): is the group a destroy-time
 * `delete-group` is about to delete declared, in the configuration being applied, by a
 * package-group resource other than the one this identity belonged to? Then that resource's
 * `upload-group` owns it now, and deleting it would race with (or undo) that upload.
 *
 * "The same group" is the same group name, region, project and DLI endpoint, each as the
 * runtime would resolve it in this environment. Where that cannot be told without a request (a
 * Terraform reference, or a project id against one IAM would resolve), the answer is "maybe":
 * the group is left alone too (never delete what the configuration may still declare).
 */
import { PackageGroupIdentity } from "../contract/environment";
import { UNKNOWN_VALUE } from "../contract/declarations";
import { Declaration } from "./configuration-declarations";
import { dliEndpoint } from "./endpoints";
import { projectIdFromEnvironment } from "./project";

/** Another resource of the configuration that declares the group. */
export interface OtherOwner {
  readonly declaration: Declaration;
  /** True when it is certainly the same group; false when it only may be (see `unknown`). */
  readonly certain: boolean;
  /** What could not be compared, e.g. `project id`. */
  readonly unknown: readonly string[];
}

type Comparison = "same" | "different" | "maybe";

/** Project ids as the runtime resolves them: the spec's, else HW_PROJECT_ID, else IAM (by region). */
function compareProject(own: string | undefined, other: string | undefined, env: NodeJS.ProcessEnv): Comparison {
  if (own === UNKNOWN_VALUE || other === UNKNOWN_VALUE) return "maybe";
  const fromEnvironment = projectIdFromEnvironment(env);
  const a = own ?? fromEnvironment;
  const b = other ?? fromEnvironment;
  if (a === undefined && b === undefined) return "same"; // both from IAM, for the same region
  if (a === undefined || b === undefined) return "maybe"; // one from IAM: only a request would tell
  return a === b ? "same" : "different";
}

/** DLI endpoints as the runtime resolves them: HW_DLI_ENDPOINT, else the spec's, else the region's default. */
function compareEndpoint(region: string, own: string | undefined, other: string | undefined, env: NodeJS.ProcessEnv): Comparison {
  const origin = (endpoint: string | undefined): string | undefined => {
    try {
      return dliEndpoint(region, endpoint, env).origin;
    } catch {
      return undefined;
    }
  };
  const a = own === UNKNOWN_VALUE ? undefined : origin(own);
  const b = other === UNKNOWN_VALUE ? undefined : origin(other);
  if (a === undefined || b === undefined) return "maybe";
  return a === b ? "same" : "different";
}

/**
 * The first resource other than `declaredBy` (in the stack being applied) that declares the
 * identity's group; a certain one before a "maybe" one; undefined when there is none.
 */
export function otherOwnerOf(identity: PackageGroupIdentity, declarations: readonly Declaration[], declaredBy: string, env: NodeJS.ProcessEnv): OtherOwner | undefined {
  let maybe: OtherOwner | undefined;
  for (const declaration of declarations) {
    if (declaration.stack === undefined && declaration.address === declaredBy) continue;
    if (declaration.group !== identity.group || declaration.region !== identity.region) continue;
    const project = compareProject(identity.projectId, declaration.projectId, env);
    const endpoint = compareEndpoint(identity.region, identity.endpoint, declaration.endpoint, env);
    if (project === "different" || endpoint === "different") continue;
    const unknown = [...(project === "maybe" ? ["project id"] : []), ...(endpoint === "maybe" ? ["endpoint"] : [])];
    if (unknown.length === 0) return { declaration, certain: true, unknown };
    maybe ??= { declaration, certain: false, unknown };
  }
  return maybe;
}

/** `terraform_data.b_content_1A2B3C4D` or `… in stack other`. */
export function describeDeclaration(declaration: Declaration): string {
  return declaration.stack === undefined ? declaration.address : `${declaration.address} in stack ${declaration.stack}`;
}
