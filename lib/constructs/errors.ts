/**
 * Every error text the constructs throw, built by named functions (one place to read them all).
 */
import { MAX_LISTED_NAMES, MAX_LISTED_PROBLEMS, renderName, renderValue } from "../contract/bounded-text";
import type { PackageGroupSpec, SpecProblem } from "../contract";

/**
 * All validation problems of one construct, e.g.
 * `FilePackageGroup "MyStack/gatk" has 2 invalid props:\n  - paths[0]: "obs://b/k" — …`.
 */
export function invalidPropsError(constructName: string, constructPath: string, problems: readonly SpecProblem[]): Error {
  const count = problems.length === 1 ? "1 invalid prop" : `${problems.length} invalid props`;
  const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${p.field}: ${renderValue(p.value)} — ${p.rule}`);
  if (problems.length > MAX_LISTED_PROBLEMS) lines.push(`  - … and ${problems.length - MAX_LISTED_PROBLEMS} more`);
  return new Error(
    `${constructName} "${constructPath}" has ${count}:\n${lines.join("\n")}\n` +
      `Fix the props listed above; nothing was synthesized for this construct.`,
  );
}

/** Two constructs of one App declare the same DLI group (issue 11 §1: one owner per group). */
export function duplicateGroupError(spec: PackageGroupSpec, firstPath: string, secondPath: string): Error {
  const where = `region ${spec.region}${spec.projectId ? `, project ${spec.projectId}` : ""}${spec.endpoint ? `, endpoint ${spec.endpoint}` : ""}`;
  return new Error(
    `DLI group ${renderValue(spec.group)} (${where}) is declared twice: by "${firstPath}" and by "${secondPath}". ` +
      `A group must have one owner: two constructs would upload and converge it concurrently in one apply, and each would delete the other's packages. ` +
      `Keep one construct per group (put every path in it), or give the second one another group name.`,
  );
}

/**
 * A `PackageGroupRemoval` (DESTROY) of a group that a package-group construct of the same App
 * declares: the cross-stack "move" done with a removal, which would delete the moved group.
 * `named`: the removal named the group (its `group` prop); otherwise the two share a path.
 */
export function removalOfDeclaredGroupError(removalPath: string, declarationPath: string, group: string, named: boolean): Error {
  const why = named ? `its group ${renderValue(group)} is declared by "${declarationPath}"` : `"${declarationPath}" (group ${renderValue(group)}) has the same path in another stack`;
  return new Error(
    `PackageGroupRemoval "${removalPath}" would delete a group the App still declares: ${why}. ` +
      `A construct moved to another stack needs no removal (Terraform forgets the old resources without deleting anything, and the new construct converges the group): delete the PackageGroupRemoval` +
      (named ? "" : `, or, if the removed construct had another group, name it in the removal's \`group\` prop`) +
      `.`,
  );
}

/** `packageRef(name)` with a name that is not one of the group's packages (at most {@link MAX_LISTED_NAMES} of them listed). */
export function unknownPackageError(constructPath: string, group: string, name: string, known: readonly string[]): Error {
  const rest = known.length - Math.min(known.length, MAX_LISTED_NAMES);
  const listed = known.slice(0, MAX_LISTED_NAMES).map((k) => `'${renderName(k)}'`).join(", ") + (rest > 0 ? `, … and ${rest} more` : "");
  return new Error(
    `packageRef(${renderValue(name)}) on "${constructPath}": group '${group}' has no package of that name; ` +
      `its packages are ${listed} (the last segment of each path)`,
  );
}

/** The bundled runtime is not where the package ships it. */
export function runtimeBundleMissingError(bundlePath: string): Error {
  return new Error(
    `cdktf-dli-packages: the runtime bundle ${bundlePath} does not exist, so the provisioners would have nothing to run. ` +
      `Run \`npm run build\` in the cdktf-dli-packages package (a published package always contains it).`,
  );
}

/** No package.json of this package above the module directory. */
export function packageRootNotFoundError(from: string): Error {
  return new Error(`cdktf-dli-packages: cannot find the package's package.json above ${from}`);
}

/**
 * An entry loaded in an app without its framework core: most often the cdktf entry in a CDK
 * Terrain app (a quickstart import copied unchanged), or the other way round.
 */
export function frameworkCoreMissingError(core: "cdktf" | "cdktn"): Error {
  const entry = core === "cdktf" ? "cdktf-dli-packages" : "cdktf-dli-packages/cdktn";
  const other = core === "cdktf" ? { app: "CDK Terrain (cdktn)", entry: "cdktf-dli-packages/cdktn" } : { app: "cdktf", entry: "cdktf-dli-packages" };
  const install = core === "cdktf" ? "cdktf@^0.21.0" : "cdktn@^0.24.0";
  return new Error(
    `${entry} is built on ${core}, which is not installed here: in a ${other.app} app import from "${other.entry}" instead; ` +
      `for ${core} run \`npm install ${install}\``,
  );
}

/** A second `PackageGroupDriftCheck` in one stack (its check block checks every group of the stack already). */
export function driftCheckTwiceError(firstPath: string, secondPath: string): Error {
  return new Error(
    `PackageGroupDriftCheck "${secondPath}": the stack already has one ("${firstPath}"), which checks every package group of the stack. ` +
      `Keep one PackageGroupDriftCheck per stack.`,
  );
}

/** A `PackageGroupDriftCheck` in a stack that declares no package group. */
export function driftCheckWithoutGroupsError(path: string): string {
  return `PackageGroupDriftCheck "${path}": the stack declares no package group, so there is nothing to check. Declare a group in this stack, or remove the PackageGroupDriftCheck.`;
}
