/**
 * Reading a spec back from the environment the provisioners set (apply time).
 * The inverse of {@link specToEnvironment}; validated with the same rules as the constructs.
 */
import { checkEndpoint, checkGroupName, checkKind, checkProjectId, checkRegion, checkSpec, SpecProblem } from "./rules";
import {
  IDENTITY_FIELDS,
  PackageGroupSpec,
  PackageKind,
  RemovalPolicyValue,
  SPEC_ENV,
  SPEC_FIELDS,
  SPEC_SCHEMA_VERSION,
  SpecField,
} from "./spec";

export type SpecFromEnvironment =
  | { readonly ok: true; readonly spec: PackageGroupSpec }
  | { readonly ok: false; readonly problems: readonly SpecProblem[] };

/**
 * Environment variables as the provisioners see them (`process.env` fits). A plain record, not
 * `NodeJS.ProcessEnv`, so the package's typings need no @types/node in a consumer
 * (test/package/typings.test.ts).
 */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

const REQUIRED: readonly SpecField[] = ["schemaVersion", "kind", "group", "paths", "region", "waitTimeoutSeconds", "removalPolicy"];
const IDENTITY_REQUIRED: readonly SpecField[] = ["schemaVersion", "kind", "group", "region"];

/** The identity part of a spec: what `delete-group` needs (the identity resource's triggers). */
export type PackageGroupIdentity = Pick<PackageGroupSpec, (typeof IDENTITY_FIELDS)[number]>;

export type IdentityFromEnvironment =
  | { readonly ok: true; readonly identity: PackageGroupIdentity }
  | { readonly ok: false; readonly problems: readonly SpecProblem[] };

/**
 * Parse and validate only the identity fields (the destroy-time provisioner of the identity
 * resource sets just these).
 */
export function identityFromEnvironment(env: EnvironmentVariables): IdentityFromEnvironment {
  const problems = missingVariables(env, IDENTITY_REQUIRED);
  if (problems.length > 0) return { ok: false, problems };
  const versionProblem = checkVersion(env[SPEC_ENV.schemaVersion]!);
  if (versionProblem) return { ok: false, problems: [versionProblem] };
  const identity: PackageGroupIdentity = {
    schemaVersion: env[SPEC_ENV.schemaVersion]!,
    kind: env[SPEC_ENV.kind] as PackageKind,
    group: env[SPEC_ENV.group]!,
    region: env[SPEC_ENV.region]!,
    projectId: env[SPEC_ENV.projectId] || undefined,
    endpoint: env[SPEC_ENV.endpoint] || undefined,
  };
  const identityProblems = [
    ...checkKind(identity.kind),
    ...checkGroupName(identity.group),
    ...checkRegion(identity.region),
    ...checkProjectId(identity.projectId),
    ...checkEndpoint(identity.endpoint),
  ].map((problem) => ({ ...problem, field: envNameForProblem(problem.field) }));
  return identityProblems.length > 0 ? { ok: false, problems: identityProblems } : { ok: true, identity };
}

function missingVariables(env: EnvironmentVariables, fields: readonly SpecField[]): SpecProblem[] {
  return fields
    .filter((field) => env[SPEC_ENV[field]] === undefined || env[SPEC_ENV[field]] === "")
    .map((field) => ({
      field: SPEC_ENV[field],
      value: undefined,
      rule: "must be set (the synthesized provisioner sets it; are you running the command by hand?)",
    }));
}

function checkVersion(version: string): SpecProblem | undefined {
  if (version === SPEC_SCHEMA_VERSION) return undefined;
  return {
    field: SPEC_ENV.schemaVersion,
    value: version,
    rule: `this runtime reads spec version ${SPEC_SCHEMA_VERSION}; re-synthesize the stack with the same cdktf-dli-packages version as the runtime asset`,
  };
}

/**
 * Parse and validate the spec. Problems name the environment variable (not the spec field),
 * because that is what a person reading a failed `terraform apply` can look at.
 */
export function specFromEnvironment(env: EnvironmentVariables): SpecFromEnvironment {
  const problems = missingVariables(env, REQUIRED);
  if (problems.length > 0) return { ok: false, problems };
  const version = env[SPEC_ENV.schemaVersion]!;
  const versionProblem = checkVersion(version);
  if (versionProblem) return { ok: false, problems: [versionProblem] };

  let paths: unknown;
  try {
    paths = JSON.parse(env[SPEC_ENV.paths]!);
  } catch {
    return { ok: false, problems: [{ field: SPEC_ENV.paths, value: env[SPEC_ENV.paths], rule: "a JSON array of OBS object URLs" }] };
  }
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === "string")) {
    return { ok: false, problems: [{ field: SPEC_ENV.paths, value: env[SPEC_ENV.paths], rule: "a JSON array of OBS object URLs" }] };
  }

  const timeoutText = env[SPEC_ENV.waitTimeoutSeconds]!;
  const spec: PackageGroupSpec = {
    schemaVersion: version,
    kind: env[SPEC_ENV.kind] as PackageKind,
    group: env[SPEC_ENV.group]!,
    paths: paths as string[],
    region: env[SPEC_ENV.region]!,
    projectId: env[SPEC_ENV.projectId] || undefined,
    endpoint: env[SPEC_ENV.endpoint] || undefined,
    waitTimeoutSeconds: /^[0-9]+$/.test(timeoutText) ? Number(timeoutText) : Number.NaN,
    removalPolicy: env[SPEC_ENV.removalPolicy] as RemovalPolicyValue,
  };
  // The text as set, not NaN, in the message ("1e3" and "60\r\n" are not whole numbers).
  const specProblems = checkSpec(spec).map((problem) => ({
    ...problem,
    value: problem.field === "waitTimeout" && Number.isNaN(spec.waitTimeoutSeconds) ? timeoutText : problem.value,
    field: envNameForProblem(problem.field),
  }));
  return specProblems.length > 0 ? { ok: false, problems: specProblems } : { ok: true, spec };
}

/** `paths[2]` → `DLI_PACKAGES_PATHS[2]`, `waitTimeout` → `DLI_PACKAGES_WAIT_TIMEOUT_SECONDS`. */
function envNameForProblem(field: string): string {
  const [base, index] = field.split("[");
  const specField = (base === "waitTimeout" ? "waitTimeoutSeconds" : base) as SpecField;
  const name = SPEC_FIELDS.includes(specField) ? SPEC_ENV[specField] : field;
  return index === undefined ? name : `${name}[${index}`;
}
