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
  checkWaitTimeout,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  PackageGroupSpec,
  SPEC_SCHEMA_VERSION,
  SpecProblem,
} from "../contract";
import { Duration } from "./duration";
import { PackageGroupProps, RemovalPolicy, ResourceType } from "./props";

const TOKEN_RULE =
  "must be known at synth time, not a token (it decides the group's identity, its package names or its lifecycle, " +
  "which Terraform has to know before apply); pass a plain value";

export type PropsCheck =
  | { readonly ok: true; readonly spec: PackageGroupSpec; readonly resourceType: ResourceType }
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

  const paths = props.paths;
  // Where the size of the whole spec is reported (with the paths, which are nearly all of it),
  // once the other fields are known; undefined when the paths are not a list of plain strings.
  let sizeProblemsAt: number | undefined;
  if (known("paths", paths)) {
    if (Array.isArray(paths)) {
      const tokenIndexes = paths.map((p, i) => (Token.isUnresolved(p) ? i : -1)).filter((i) => i >= 0);
      for (const i of tokenIndexes) problems.push({ field: `paths[${i}]`, value: paths[i], rule: TOKEN_RULE });
      if (tokenIndexes.length === 0) {
        problems.push(...checkPaths(paths, knownRegion));
        sizeProblemsAt = problems.length;
      }
    } else {
      problems.push(...checkPaths(paths, knownRegion));
    }
  }

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

  if (sizeProblemsAt !== undefined) {
    const sized = sizedSpec({ kind, group, paths, region, projectId: props.projectId, endpoint: props.endpoint, waitTimeoutSeconds, removalPolicy });
    problems.splice(sizeProblemsAt, 0, ...checkSpecEnvironmentSize(sized));
  }

  if (problems.length > 0) return { ok: false, problems };
  const spec: PackageGroupSpec = {
    schemaVersion: SPEC_SCHEMA_VERSION,
    kind,
    group,
    paths: [...paths],
    region,
    projectId: props.projectId,
    endpoint: props.endpoint,
    waitTimeoutSeconds,
    removalPolicy,
  };
  return { ok: true, spec, resourceType };
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
