/**
 * Every error text the constructs throw, built by named functions (one place to read them all).
 */
import type { SpecProblem } from "../contract";

const MAX_VALUE_LENGTH = 200;

/** A value as it appears in an error: strings quoted, long values shortened. */
export function renderValue(value: unknown): string {
  if (value === undefined) return "undefined";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

/**
 * All validation problems of one construct, e.g.
 * `FilePackageGroup "MyStack/gatk" has 2 invalid props:\n  - paths[0]: "obs://b/k" — …`.
 */
export function invalidPropsError(constructName: string, constructPath: string, problems: readonly SpecProblem[]): Error {
  const count = problems.length === 1 ? "1 invalid prop" : `${problems.length} invalid props`;
  const lines = problems.map((p) => `  - ${p.field}: ${renderValue(p.value)} — ${p.rule}`);
  return new Error(
    `${constructName} "${constructPath}" has ${count}:\n${lines.join("\n")}\n` +
      `Fix the props listed above; nothing was synthesized for this construct.`,
  );
}

/** `packageRef(name)` with a name that is not one of the group's packages. */
export function unknownPackageError(constructPath: string, group: string, name: string, known: readonly string[]): Error {
  return new Error(
    `packageRef(${renderValue(name)}) on "${constructPath}": group '${group}' has no package of that name; ` +
      `its packages are ${known.map((k) => `'${k}'`).join(", ")} (the last segment of each path)`,
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

/** A cdktf app asked for `ResourceType.NULL_RESOURCE` without the optional peer @cdktf/provider-null installed. */
export function nullProviderMissingError(packageName: string): Error {
  return new Error(
    `cdktf-dli-packages: ResourceType.NULL_RESOURCE needs ${packageName} in a cdktf app; ` +
      `run \`npm install ${packageName}@^11\` or use resourceType: ResourceType.TERRAFORM_DATA`,
  );
}
