/**
 * One owner per group (issue 11 §1): two package-group constructs anywhere in one App that
 * name the same DLI group (same region, project and endpoint) would make one `terraform apply`
 * race with itself — DLI has no lock, and the two uploads and converges interleave. The second
 * construct is refused at construction time, naming both construct paths.
 */
import { Construct } from "constructs";
import { defaultDliEndpoint, PackageGroupSpec } from "../contract";
import { duplicateGroupError } from "./errors";

/** Per App (the construct tree's root): the construct path that owns each group key. */
const OWNERS = new WeakMap<object, Map<string, string>>();

/** Where the group lives: region, project (or "resolved at apply time") and DLI endpoint origin. */
function groupKey(spec: PackageGroupSpec): string {
  let endpoint = spec.endpoint ?? defaultDliEndpoint(spec.region);
  try {
    endpoint = new URL(endpoint).origin;
  } catch {
    // a token: compare as written
  }
  return JSON.stringify([spec.group, spec.region, spec.projectId ?? null, endpoint]);
}

/** Record `construct` as the owner of its group; throws when another construct of the App already is. */
export function claimGroup(construct: Construct, spec: PackageGroupSpec): void {
  const root = construct.node.root;
  let owners = OWNERS.get(root);
  if (!owners) OWNERS.set(root, (owners = new Map()));
  const key = groupKey(spec);
  const owner = owners.get(key);
  if (owner !== undefined) throw duplicateGroupError(spec, owner, construct.node.path);
  owners.set(key, construct.node.path);
}
