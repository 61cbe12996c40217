/**
 * Props → spec, with every problem collected (rules come from the shared contract, so synth
 * time and apply time reject exactly the same values).
 */
import { Token } from "./framework";
import {
  checkEndpoint,
  checkGroupName,
  checkKind,
  checkPaths,
  checkProjectId,
  checkRegion,
  checkRemovalPolicy,
  checkSpecEnvironmentSize,
  checkStaging,
  packageNameOf,
  checkWaitTimeout,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  PackageGroupSpec,
  SPEC_SCHEMA_VERSION,
  SpecProblem,
  stagedObjectUrl,
} from "../contract";
import { LocalFile, longestSourcePath, readLocalFile } from "./local-files";
import { Duration } from "./duration";
import { PackageGroupProps, RemovalPolicy, ResourceType } from "./props";

const TOKEN_RULE =
  "must be known at synth time, not a token (it decides the group's identity, its package names or its lifecycle, " +
  "which Terraform has to know before apply); pass a plain value";

export type PropsCheck =
  | {
      readonly ok: true;
      /** The spec; the staged files' URLs are in its `paths`, their `files` entries are added once their assets exist. */
      readonly spec: PackageGroupSpec;
      readonly resourceType: ResourceType;
      /** The checked local files, in `files` order, with the staging prefix they go under. */
      readonly localFiles: readonly LocalFile[];
      readonly staging?: string;
    }
  | { readonly ok: false; readonly problems: readonly SpecProblem[] };

const RESOURCE_TYPES: readonly string[] = Object.values(ResourceType);

/** Validate props and build the spec; all problems at once, in field order. */
export function specFromProps(props: PackageGroupProps): PropsCheck {
  const problems: SpecProblem[] = [];
  const known = (field: string, value: unknown): boolean => {
    if (!Token.isUnresolved(value)) return true;
    problems.push({ field, value, rule: TOKEN_RULE });
    return false;
  };

  const kind = props.kind;
  if (known("kind", kind)) problems.push(...checkKind(kind));

  const group = props.group;
  if (known("group", group)) problems.push(...checkGroupName(group));

  // The paths' buckets must be in the region, when the region is a valid literal.
  const region = props.region;
  const regionProblems = Token.isUnresolved(region) ? [] : checkRegion(region);
  const knownRegion = !Token.isUnresolved(region) && regionProblems.length === 0 ? region : undefined;

  // Local files first: whether there are any decides whether `paths` may be empty.
  const local = checkFiles(props.files, problems, known);
  const paths = props.paths ?? (local.given ? [] : undefined);
  // Where the size of the whole spec is reported (with the paths, which are nearly all of it),
  // once the other fields are known; undefined when the paths are not a list of plain strings.
  let sizeProblemsAt: number | undefined;
  if (known("paths", paths)) {
    if (Array.isArray(paths)) {
      const tokenIndexes = paths.map((p, i) => (Token.isUnresolved(p) ? i : -1)).filter((i) => i >= 0);
      for (const i of tokenIndexes) problems.push({ field: `paths[${i}]`, value: paths[i], rule: TOKEN_RULE });
      if (tokenIndexes.length === 0) {
        // With local files, no OBS path at all is fine (checkPaths wants at least one).
        if (!(local.given && paths.length === 0)) problems.push(...checkPaths(paths, knownRegion).map(orLocalFiles));
        local.problems.push(...nameClashes(paths, local.files, local.indexes));
        sizeProblemsAt = problems.length + local.problems.length;
      }
    } else {
      problems.push(...checkPaths(paths, knownRegion).map(orLocalFiles));
    }
  }

  problems.push(...local.problems);

  // The staging prefix: required with files, in the group's region.
  const staging = props.staging;
  let knownStaging: string | undefined;
  if (local.given && staging === undefined) {
    problems.push({ field: "staging", value: undefined, rule: "required when files are given: an OBS URL prefix https://{bucket}.obs.{region}.myhuaweicloud.com/{prefix}/ the files are staged under" });
  } else if (staging !== undefined && known("staging", staging)) {
    const stagingProblems = checkStaging(staging, knownRegion);
    problems.push(...stagingProblems);
    if (stagingProblems.length === 0) knownStaging = staging;
  }
  const stagedUrls = knownStaging === undefined ? [] : local.files.map((f) => stagedObjectUrl(knownStaging!, f.sha256, f.name));

  if (known("region", region)) problems.push(...regionProblems);

  // projectId and endpoint may be tokens: they are only passed through into the triggers.
  if (!Token.isUnresolved(props.projectId)) problems.push(...checkProjectId(props.projectId));
  if (!Token.isUnresolved(props.endpoint)) problems.push(...checkEndpoint(props.endpoint));

  const timeout = props.waitTimeout;
  let waitTimeoutSeconds = DEFAULT_WAIT_TIMEOUT_SECONDS;
  if (timeout !== undefined && known("waitTimeout", timeout instanceof Duration ? timeout.toSeconds() : timeout)) {
    waitTimeoutSeconds = timeout instanceof Duration ? timeout.toSeconds() : (timeout as number);
    problems.push(
      ...checkWaitTimeout(waitTimeoutSeconds).map((p) => (timeout instanceof Duration ? { ...p, value: timeout.toString() } : p)),
    );
  }

  const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
  if (known("removalPolicy", removalPolicy)) {
    problems.push(
      ...checkRemovalPolicy(removalPolicy).map((p) => ({
        ...p,
        rule: "one of RemovalPolicy.DESTROY ('destroy') or RemovalPolicy.RETAIN ('retain')",
      })),
    );
  }

  const resourceType = props.resourceType ?? ResourceType.NULL_RESOURCE;
  problems.push(...checkResourceType(resourceType));

  // The spec as far as known (paths and staged URLs may be unchecked while there are problems).
  const fields = {
    kind,
    group,
    paths: [...(paths ?? []), ...stagedUrls],
    region,
    projectId: props.projectId,
    endpoint: props.endpoint,
    waitTimeoutSeconds,
    removalPolicy,
  } as Omit<PackageGroupSpec, "schemaVersion">;
  if (sizeProblemsAt !== undefined) {
    // Sized with the staged-file entries at their longest (their asset paths do not exist yet).
    const files = local.files.map((f, i) => ({ source: longestSourcePath(f), objectUrl: stagedUrls[i], size: f.size, sha256: f.sha256 }));
    const sized = sizedSpec({ ...fields, ...(stagedUrls.length === 0 ? {} : { files }) });
    problems.splice(sizeProblemsAt, 0, ...checkSpecEnvironmentSize(sized));
  }

  if (problems.length > 0) return { ok: false, problems };
  const spec: PackageGroupSpec = { schemaVersion: SPEC_SCHEMA_VERSION, ...fields };
  return { ok: true, spec, resourceType, localFiles: local.files, staging: knownStaging };
}

/** The "no paths" rule also names the other way to declare a package. */
function orLocalFiles(problem: SpecProblem): SpecProblem {
  return problem.field === "paths" && problem.rule === "at least one OBS object URL"
    ? { ...problem, rule: "at least one OBS object URL, or local files in files (with staging)" }
    : problem;
}

interface CheckedFiles {
  /** Whether `files` lists at least one file. */
  readonly given: boolean;
  readonly problems: SpecProblem[];
  /** The files that passed, and the index in `files` of each. */
  readonly files: LocalFile[];
  readonly indexes: number[];
}

/** Check (and hash) every entry of `files`; token problems go straight to `problems`. */
function checkFiles(files: unknown, problems: SpecProblem[], known: (field: string, value: unknown) => boolean): CheckedFiles {
  const checked: CheckedFiles = { given: false, problems: [], files: [], indexes: [] };
  if (files === undefined || !known("files", files)) return checked;
  if (!Array.isArray(files)) {
    problems.push({ field: "files", value: files, rule: "a list of local file paths" });
    return checked;
  }
  const seen = new Map<string, number>();
  files.forEach((file: unknown, index) => {
    if (Token.isUnresolved(file)) {
      problems.push({ field: `files[${index}]`, value: file, rule: TOKEN_RULE });
      return;
    }
    if (typeof file !== "string") {
      checked.problems.push({ field: `files[${index}]`, value: file, rule: "a local file path (a string)" });
      return;
    }
    const read = readLocalFile(file, index);
    checked.problems.push(...read.problems);
    if (!read.file) return;
    const same = seen.get(read.file.path);
    if (same !== undefined) {
      checked.problems.push({ field: `files[${index}]`, value: file, rule: `duplicate of files[${same}]; list each file once` });
      return;
    }
    seen.set(read.file.path, index);
    checked.files.push(read.file);
    checked.indexes.push(index);
  });
  return { ...checked, given: files.length > 0 };
}

/** Package names must be unique across `paths` and `files` (a package name is a base name). */
function nameClashes(paths: readonly string[], files: readonly LocalFile[], indexes: readonly number[]): SpecProblem[] {
  const owner = new Map<string, string>();
  paths.forEach((path, i) => {
    if (typeof path !== "string") return; // refused by checkPaths already
    const name = packageNameOf(path);
    if (!owner.has(name)) owner.set(name, `paths[${i}]`);
  });
  const problems: SpecProblem[] = [];
  files.forEach((file, i) => {
    const taken = owner.get(file.name);
    if (taken !== undefined) {
      problems.push({
        field: `files[${indexes[i]}]`,
        value: file.given,
        rule: `package name '${file.name}' is already used by ${taken}; package names (base names of paths and files) must be unique within a group`,
      });
      return;
    }
    owner.set(file.name, `files[${indexes[i]}]`);
  });
  return problems;
}

/**
 * The spec as the size rule sees it at synth time: a project id or endpoint that is a token
 * counts at its longest usual plain form (a 32-character project id; an https URL with a
 * 253-character host and a port: 270 characters).
 */
function sizedSpec(props: Omit<PackageGroupSpec, "schemaVersion">): PackageGroupSpec {
  const plain = (value: string | undefined, longest: number) => (Token.isUnresolved(value) ? "x".repeat(longest) : value);
  return {
    ...props,
    schemaVersion: SPEC_SCHEMA_VERSION,
    projectId: plain(props.projectId, 32),
    endpoint: plain(props.endpoint, 270),
  };
}

/** Problems with a resource type (also used by the removal API). */
export function checkResourceType(resourceType: unknown): SpecProblem[] {
  if (typeof resourceType === "string" && RESOURCE_TYPES.includes(resourceType)) return [];
  return [
    {
      field: "resourceType",
      value: resourceType,
      rule: "one of ResourceType.NULL_RESOURCE ('null_resource') or ResourceType.TERRAFORM_DATA ('terraform_data')",
    },
  ];
}
