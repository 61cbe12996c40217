/**
 * Reading a spec back from the environment the provisioners set (apply time): one JSON variable,
 * {@link SPEC_VARIABLE} (`jsonencode` of the resource's trigger map), or, for a run by hand, one
 * variable per field ({@link SPEC_ENV}, the inverse of {@link specToEnvironment}). Validated with
 * the same rules as the constructs.
 */
import { checkEndpoint, checkGroupName, checkKind, checkProjectId, checkRegion, checkSpec, SpecProblem } from "./rules";
import {
  IDENTITY_FIELDS,
  PackageGroupSpec,
  PackageKind,
  RemovalPolicyValue,
  StagedFile,
  SPEC_ENV,
  SPEC_FIELDS,
  SPEC_SCHEMA_VERSION,
  SPEC_VARIABLE,
  SpecField,
  TRIGGER_KEYS,
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
export function identityFromEnvironment(environment: EnvironmentVariables): IdentityFromEnvironment {
  return fromSpecVariables(environment, IDENTITY_FIELDS, identityFromVariables);
}

function identityFromVariables(env: EnvironmentVariables): IdentityFromEnvironment {
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
export function specFromEnvironment(environment: EnvironmentVariables): SpecFromEnvironment {
  return fromSpecVariables(environment, SPEC_FIELDS, specFromVariables);
}

function specFromVariables(env: EnvironmentVariables): SpecFromEnvironment {
  const problems = missingVariables(env, REQUIRED);
  if (problems.length > 0) return { ok: false, problems };
  const version = env[SPEC_ENV.schemaVersion]!;
  const versionProblem = checkVersion(version);
  if (versionProblem) return { ok: false, problems: [versionProblem] };

  let paths: unknown;
  try {
    paths = JSON.parse(env[SPEC_ENV.paths]!);
  } catch {
    // not JSON: refused just below, like JSON that is not a list of strings
  }
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === "string")) {
    return { ok: false, problems: [{ field: SPEC_ENV.paths, value: env[SPEC_ENV.paths], rule: "a JSON array of OBS object URLs" }] };
  }

  // Optional: absent or empty means no staged files (groups without them leave the key out).
  const filesText = env[SPEC_ENV.files];
  let files: unknown;
  if (filesText !== undefined && filesText !== "") {
    try {
      files = JSON.parse(filesText);
    } catch {
      return { ok: false, problems: [{ field: SPEC_ENV.files, value: filesText, rule: "a JSON array of staged files (source, objectUrl, size, sha256)" }] };
    }
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
    ...(files === undefined ? {} : { files: files as StagedFile[] }),
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

type Problems = { readonly ok: false; readonly problems: readonly SpecProblem[] };

/** `read` applied to the per-field variables of `fields` ({@link specVariables}), its problems named where the values came from. */
function fromSpecVariables<R extends { readonly ok: true } | Problems>(
  environment: EnvironmentVariables,
  fields: readonly SpecField[],
  read: (env: EnvironmentVariables) => R,
): R | Problems {
  const variables = specVariables(environment, fields);
  if (!variables.ok) return variables;
  const result = read(variables.env);
  return result.ok ? result : { ok: false, problems: (result as Problems).problems.map(variables.name) };
}

type SpecVariables =
  | { readonly ok: true; readonly env: EnvironmentVariables; readonly name: (problem: SpecProblem) => SpecProblem }
  | Problems;

const SPEC_OBJECT_RULE =
  "a JSON object of the spec's trigger keys to strings, as the synthesized provisioner sets it (jsonencode of the resource's triggers)";

/**
 * The per-field variables to read: {@link SPEC_VARIABLE}'s object when it is set (the
 * provisioners'; per-field variables are then ignored, so a stray one in Terraform's environment
 * changes nothing), else the per-field variables as they are. `name` renames a problem's field to
 * where the value came from: `DLI_PACKAGES_GROUP` → `DLI_PACKAGES_SPEC.group`.
 */
function specVariables(environment: EnvironmentVariables, fields: readonly SpecField[]): SpecVariables {
  const text = environment[SPEC_VARIABLE];
  if (text === undefined) return { ok: true, env: environment, name: (problem) => problem };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: refused just below, like JSON that is not an object
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problems: [{ field: SPEC_VARIABLE, value: text, rule: SPEC_OBJECT_RULE }] };
  }
  const object = parsed as Record<string, unknown>;
  const keys = fields.map((field) => TRIGGER_KEYS[field]);
  const problems: SpecProblem[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (!keys.includes(key)) {
      problems.push({ field: SPEC_VARIABLE, value: key, rule: `an unknown key; the keys are ${keys.join(", ")}` });
    } else if (typeof value !== "string") {
      problems.push({ field: `${SPEC_VARIABLE}.${key}`, value, rule: "a string" });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const env: Record<string, string | undefined> = {};
  for (const field of fields) env[SPEC_ENV[field]] = object[TRIGGER_KEYS[field]] as string | undefined;
  return { ok: true, env, name: (problem) => ({ ...problem, field: specVariableField(problem.field) }) };
}

/** `DLI_PACKAGES_PATHS[2]` → `DLI_PACKAGES_SPEC.paths[2]`. */
function specVariableField(field: string): string {
  const [name, index] = field.split("[");
  // Every problem of the spec rules names one of the per-field variables (envNameForProblem).
  const specField = SPEC_FIELDS.find((f) => SPEC_ENV[f] === name)!;
  return `${SPEC_VARIABLE}.${TRIGGER_KEYS[specField]}${index === undefined ? "" : `[${index}`}`;
}
