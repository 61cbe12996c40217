/**
 * One owner per group (issue 11 §1): two package-group constructs anywhere in one App that
 * name the same DLI group (same region, project and endpoint) would make one `terraform apply`
 * race with itself — DLI has no lock, and the two uploads and converges interleave. The second
 * construct is refused at construction time, naming both construct paths.
 *
 * The same per-App record answers the questions a handover raises (issue 15): which groups the
 * other stacks of the App declare, and whether a `PackageGroupRemoval` would delete a group a
 * package-group construct of the App declares.
 */
import { Construct } from "constructs";
import { defaultDliEndpoint, PackageGroupSpec } from "../contract";
import { duplicateGroupError } from "./errors";

/** A package-group construct of the App and what it declares. */
export interface GroupDeclaration {
  readonly construct: Construct;
  readonly spec: PackageGroupSpec;
}

interface AppRecord {
  /** Group key → the construct path that owns it. */
  readonly owners: Map<string, string>;
  /** Every package-group construct of the App, in construction order. */
  readonly declarations: GroupDeclaration[];
}

/** Per App (the construct tree's root). */
const APPS = new WeakMap<object, AppRecord>();

function recordOf(construct: Construct): AppRecord {
  const root = construct.node.root;
  let record = APPS.get(root);
  if (!record) APPS.set(root, (record = { owners: new Map(), declarations: [] }));
  return record;
}

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
  const record = recordOf(construct);
  const key = groupKey(spec);
  const owner = record.owners.get(key);
  if (owner !== undefined) throw duplicateGroupError(spec, owner, construct.node.path);
  record.owners.set(key, construct.node.path);
  record.declarations.push({ construct, spec });
}

/** Every package-group construct of the App `construct` belongs to. */
export function groupDeclarationsOf(construct: Construct): readonly GroupDeclaration[] {
  return recordOf(construct).declarations;
}

/** The path of `construct` below its stack, e.g. `team/gatk`. */
function pathInStack(construct: Construct): string {
  const scopes = construct.node.scopes;
  const stackIndex = scopes.findIndex((scope) => (scope as unknown as Record<symbol, unknown>)[STACK_SYMBOL] === true);
  return scopes
    .slice(stackIndex + 1)
    .map((scope) => scope.node.id)
    .join("/");
}

/** cdktf and cdktn mark their stacks with the same symbol. */
const STACK_SYMBOL = Symbol.for("cdktf/TerraformStack");

/**
 * The package-group construct of the App whose group a `PackageGroupRemoval` at `removal`
 * (DESTROY) would delete: the one declaring `group` when the removal names it; otherwise the
 * one at the same path in another stack (a construct moved between stacks, then "removed").
 */
export function declarationRemovedBy(removal: Construct, group: string | undefined): GroupDeclaration | undefined {
  const declarations = groupDeclarationsOf(removal);
  if (group !== undefined) return declarations.find((declaration) => declaration.spec.group === group);
  const path = pathInStack(removal);
  return declarations.find((declaration) => pathInStack(declaration.construct) === path);
}
