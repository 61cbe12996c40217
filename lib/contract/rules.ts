/**
 * Validation rules for a package-group spec, shared by the constructs (synth time) and the
 * runtime (apply time) so both reject exactly the same values.
 *
 * Each rule returns problems as data ({ field, value, rule }); the caller adds where the value
 * came from (construct path or environment variable) when it renders the error.
 */
import {
  MAX_WAIT_TIMEOUT_SECONDS,
  PACKAGE_KINDS,
  PackageGroupSpec,
  REMOVAL_POLICIES,
  SPEC_VARIABLE,
  specToTriggers,
} from "./spec";
import { terraformJsonEncode } from "./terraform-json";
import { checkStagedFiles } from "./staging";

/** One thing wrong with one field. */
export interface SpecProblem {
  /** Spec field (`paths`, `paths[1]`, `group`, …). */
  readonly field: string;
  /** The offending value, as given. */
  readonly value: unknown;
  /** What is allowed, and what to do instead. */
  readonly rule: string;
}

// dli-api.md §1.6: group_name ≤64 chars, digits/letters/`.`/`_`/`-`.
const GROUP_NAME = /^[A-Za-z0-9._-]{1,64}$/;
// dli-api.md §1.6: resource_name digits/letters/`_ ! - .`, not starting with `.`, ≤128 chars.
const PACKAGE_NAME = /^[A-Za-z0-9_!\-][A-Za-z0-9_!.\-]{0,127}$/;
// Region ids look like cn-north-4, ap-southeast-1, eu-west-101, ae-ad-1 (dli-api.md §3).
const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;
// Huawei Cloud project ids are 32 lower-case hex characters.
const PROJECT_ID = /^[0-9a-f]{32}$/;
// OBS bucket names: 3–63 chars, lower-case letters, digits, `-` and `.`, starting and ending
// with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Virtual-hosted OBS object URL (dli-api.md §6); path-style URLs are rejected by OBS.
// The bucket part is captured loosely so that a bad bucket name gets the bucket rule, not the generic one.
const OBS_HOST = /^(.+)\.obs\.([a-z0-9-]+)\.(myhuaweicloud\.com|myhuaweicloud\.eu)$/;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Whether a URL's hostname (as `URL.hostname` gives it, IPv6 in brackets) names this machine. */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}
// C0 controls, space and DEL: the WHATWG URL parser silently drops some (tab, CR, LF) and
// encodes others, so a value is checked as written, before any parsing.
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;
// C0, DEL, C1 and the Unicode line/paragraph separators: any of them in a path is a line break
// or an invisible character somewhere (a log, a console, an OBS key nobody can type).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Linux caps one environment string (`NAME=value` and its NUL) at 32 pages = 131072 bytes
 * (MAX_ARG_STRLEN); Terraform passes the spec to the provisioner in an environment variable, so a
 * larger one fails with E2BIG before the runtime starts.
 */
export const MAX_ENVIRONMENT_STRING_BYTES = 131_072;

export const RULES = {
  group: "1–64 characters: letters, digits, '.', '_' or '-'",
  packageName:
    "the package name (last path segment) must be 1–128 characters of letters, digits, '_', '!', '-' or '.', and must not start with '.'",
  obsUrl:
    "an OBS object URL in virtual-hosted form https://{bucket}.obs.{region}.myhuaweicloud.com/{key} (or .myhuaweicloud.eu)",
  region: "a Huawei Cloud region id such as cn-north-4 or ap-southeast-1",
  projectId: "32 lower-case hexadecimal characters (IAM project id), or leave it out to resolve it from the region",
  endpoint:
    "an https:// URL without path, query or fragment (http:// is allowed only for a loopback emulator such as http://127.0.0.1:8080), and without user info ('@'); host names are at most 253 characters",
  waitTimeout: `a whole number of seconds from 1 to ${MAX_WAIT_TIMEOUT_SECONDS}`,
} as const;

/** dli-api.md §3: every region is on `.myhuaweicloud.com` except eu-west-101 (`.myhuaweicloud.eu`). */
export function cloudDomainOf(region: string): "myhuaweicloud.com" | "myhuaweicloud.eu" {
  return region === "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com";
}

/** The DLI endpoint of a region when none is given. */
export function defaultDliEndpoint(region: string): string {
  return `https://dli.${region}.${cloudDomainOf(region)}`;
}

/** The IAM endpoint of a region when none is given. */
export function defaultIamEndpoint(region: string): string {
  return `https://iam.${region}.${cloudDomainOf(region)}`;
}

/** The package name DLI derives from an OBS URL: its last path segment (dli-api.md §1.1). */
export function packageNameOf(path: string): string {
  const withoutQuery = path.split(/[?#]/, 1)[0];
  const segments = withoutQuery.split("/");
  return decodeSegment(segments[segments.length - 1] ?? "");
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether DLI accepts a package name (dli-api.md §1.6 resource_name). */
export function checkPackageName(name: string): boolean {
  return PACKAGE_NAME.test(name);
}

/** Problems with a group name. */
export function checkGroupName(group: unknown): SpecProblem[] {
  if (typeof group !== "string" || !GROUP_NAME.test(group)) {
    return [{ field: "group", value: group, rule: RULES.group }];
  }
  return [];
}

/**
 * Problems with one OBS object path (index i in the list), checked exactly as it will be sent:
 * the URL parser would silently resolve `..`, drop CR/LF/tab and turn `\` into `/`, so those are
 * refused on the raw text. With `region`, the bucket must be in that region (`.obs.{region}.`,
 * on the region's domain: `.myhuaweicloud.eu` only for eu-west-101).
 */
export function checkObsPath(path: unknown, index: number, region?: string): SpecProblem[] {
  const field = `paths[${index}]`;
  // (An empty string gets this rule too, from the URL parser below.)
  if (typeof path !== "string") {
    return [{ field, value: path, rule: RULES.obsUrl }];
  }
  if (CONTROL.test(path)) {
    return [{ field, value: path, rule: `${RULES.obsUrl}; no control characters (CR, LF, NUL, tab, C1, U+2028/U+2029, …)` }];
  }
  if (path.includes("\\")) {
    return [{ field, value: path, rule: `${RULES.obsUrl}; no backslash ('\\')` }];
  }
  if (path.startsWith("obs://")) {
    const rest = path.slice("obs://".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? "" : rest.slice(slash + 1);
    return [
      {
        field,
        value: path,
        rule: `obs:// URIs are not accepted by the DLI package API; write the object URL instead: https://${bucket}.obs.{region}.myhuaweicloud.com/${key}`,
      },
    ];
  }
  let url: URL;
  try {
    url = new URL(path);
  } catch {
    return [{ field, value: path, rule: RULES.obsUrl }];
  }
  if (url.protocol !== "https:") {
    return [{ field, value: path, rule: `${RULES.obsUrl}; the scheme must be https` }];
  }
  if (url.search || path.includes("?")) {
    return [{ field, value: path, rule: `${RULES.obsUrl}; remove the query string` }];
  }
  if (url.hash || path.includes("#")) {
    return [{ field, value: path, rule: `${RULES.obsUrl}; remove the fragment` }];
  }
  if (url.username || url.password || url.port) {
    return [{ field, value: path, rule: `${RULES.obsUrl}; no user info or port` }];
  }
  const host = OBS_HOST.exec(url.hostname);
  if (!host) {
    if (/^obs\.[a-z0-9-]+\.myhuaweicloud\.(com|eu)$/.test(url.hostname)) {
      const [, bucket, ...key] = url.pathname.split("/");
      return [
        {
          field,
          value: path,
          rule: `path-style OBS URLs are rejected by OBS; use the virtual-hosted form https://${bucket}.${url.hostname}/${key.join("/")}`,
        },
      ];
    }
    return [{ field, value: path, rule: RULES.obsUrl }];
  }
  if (!BUCKET.test(host[1]) || host[1].includes("..")) {
    return [{ field, value: path, rule: `${RULES.obsUrl}; bucket names are 3–63 lower-case letters, digits, '-' or '.'` }];
  }
  if (region !== undefined && (host[2] !== region || host[3] !== cloudDomainOf(region))) {
    return [
      {
        field,
        value: path,
        rule: `the bucket must be in the group's region ${region}: https://{bucket}.obs.${region}.${cloudDomainOf(region)}/{key} (DLI reads packages from OBS in its own region)`,
      },
    ];
  }
  // The path as written (after "https://host"), not url.pathname, which has resolved dot segments.
  const rawPath = path.slice(path.indexOf("/", "https://".length));
  for (const segment of rawPath.split("/").slice(1)) {
    if (/^(\.|%2e){1,2}$/i.test(segment)) {
      return [{ field, value: path, rule: `${RULES.obsUrl}; no '.' or '..' segments (the URL would not name the object it shows)` }];
    }
    if (/%(2f|5c)/i.test(segment)) {
      return [{ field, value: path, rule: `${RULES.obsUrl}; no percent-encoded '/' or '\\' (%2F, %5C) in a segment` }];
    }
    if (/%([01][0-9a-f]|7f)|%c2%[89][0-9a-f]|%e2%80%a[89]/i.test(segment)) {
      return [{ field, value: path, rule: `${RULES.obsUrl}; no percent-encoded control characters (%00–%1F, %7F, C1 %C2%80–%C2%9F, line separators %E2%80%A8/%A9)` }];
    }
  }
  const key = url.pathname.slice(1);
  if (key.length === 0) {
    return [{ field, value: path, rule: `${RULES.obsUrl}; the object key is empty` }];
  }
  if (key.endsWith("/")) {
    return [{ field, value: path, rule: `${RULES.obsUrl}; the key ends in '/', which is a folder, not an object` }];
  }
  if (key.split("/").some((segment) => segment.length === 0)) {
    return [{ field, value: path, rule: `${RULES.obsUrl}; the key has an empty segment ('//')` }];
  }
  const name = packageNameOf(path);
  if (!PACKAGE_NAME.test(name)) {
    return [{ field, value: path, rule: `${RULES.packageName} (got '${name}')` }];
  }
  return [];
}

/**
 * Problems with the path list: each path (in `region`, when given), duplicates and package-name
 * collisions (the size of the whole spec: {@link checkSpecEnvironmentSize}).
 */
export function checkPaths(paths: unknown, region?: string): SpecProblem[] {
  if (!Array.isArray(paths) || paths.length === 0) {
    return [{ field: "paths", value: paths, rule: "at least one OBS object URL" }];
  }
  const problems: SpecProblem[] = paths.flatMap((path, index) => checkObsPath(path, index, region));
  const firstIndexOfPath = new Map<string, number>();
  const firstIndexOfName = new Map<string, number>();
  paths.forEach((path, index) => {
    if (typeof path !== "string") return;
    const samePath = firstIndexOfPath.get(path);
    if (samePath !== undefined) {
      problems.push({ field: `paths[${index}]`, value: path, rule: `duplicate of paths[${samePath}]; list each object once` });
      return;
    }
    firstIndexOfPath.set(path, index);
    const name = packageNameOf(path);
    const sameName = firstIndexOfName.get(name);
    if (sameName !== undefined) {
      problems.push({
        field: `paths[${index}]`,
        value: path,
        rule: `package name '${name}' is already used by paths[${sameName}]; package names (last path segment) must be unique within a group`,
      });
      return;
    }
    firstIndexOfName.set(name, index);
  });
  return problems;
}

/**
 * Bytes of the environment string `DLI_PACKAGES_SPEC=<jsonencode(triggers)>` plus its NUL, as
 * Terraform builds it for a provisioner.
 */
export function specEnvironmentBytes(triggers: Readonly<Record<string, string>>): number {
  return new TextEncoder().encode(`${SPEC_VARIABLE}=${terraformJsonEncode(triggers)}`).length + 1;
}

/**
 * The spec must fit in one environment string (see {@link MAX_ENVIRONMENT_STRING_BYTES}): the
 * upload provisioner passes all of it, paths included, in {@link SPEC_VARIABLE}. The paths
 * are nearly all of it, so the problem is theirs.
 */
export function checkSpecEnvironmentSize(spec: PackageGroupSpec): SpecProblem[] {
  const triggers = specToTriggers(spec);
  // jsonencode writes at most 6 bytes per UTF-16 code unit (`<` → `\u003c`): a spec that fits
  // even so needs no encoding (synth of 1,000 groups checks 1,000 specs).
  let units = SPEC_VARIABLE.length + 3;
  // (String(): a spec being validated may hold anything; its other problems are reported apart.)
  for (const [key, value] of Object.entries(triggers)) units += key.length + String(value).length + 6;
  if (6 * units + 1 <= MAX_ENVIRONMENT_STRING_BYTES) return [];
  const bytes = specEnvironmentBytes(triggers);
  if (bytes <= MAX_ENVIRONMENT_STRING_BYTES) return [];
  return [
    {
      field: "paths",
      value: `${spec.paths.length} paths, ${bytes} bytes as ${SPEC_VARIABLE}`,
      rule: `the group's spec, its paths included, must fit in one environment string of at most ${MAX_ENVIRONMENT_STRING_BYTES} bytes (128 KiB, Linux MAX_ARG_STRLEN), or Terraform cannot start the provisioner (E2BIG); split the group into smaller groups or use shorter object keys`,
    },
  ];
}

export function checkRegion(region: unknown): SpecProblem[] {
  // At most 63 characters: it becomes one DNS label of the default endpoints (dli.{region}.…).
  return typeof region === "string" && region.length <= 63 && REGION.test(region) ? [] : [{ field: "region", value: region, rule: RULES.region }];
}

export function checkProjectId(projectId: unknown): SpecProblem[] {
  if (projectId === undefined) return [];
  return typeof projectId === "string" && PROJECT_ID.test(projectId)
    ? []
    : [{ field: "projectId", value: projectId, rule: RULES.projectId }];
}

export function checkEndpoint(endpoint: unknown): SpecProblem[] {
  if (endpoint === undefined) return [];
  const problem = [{ field: "endpoint", value: endpoint, rule: RULES.endpoint }];
  if (typeof endpoint !== "string" || CONTROL_OR_SPACE.test(endpoint) || endpoint.includes("#") || endpoint.includes("?") || endpoint.includes("\\")) return problem;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return problem;
  }
  // The URL parser drops an empty user info (`https://:@host`, `http://@127.0.0.1`): refuse any '@'.
  if (endpoint.includes("@") || url.hostname.length > 253) return problem;
  const pathless = (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash && !endpoint.includes("?");
  const secure = url.protocol === "https:";
  const loopback = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (!pathless || (!secure && !loopback) || url.username || url.password) return problem;
  return [];
}

export function checkWaitTimeout(seconds: unknown): SpecProblem[] {
  return typeof seconds === "number" && Number.isInteger(seconds) && seconds >= 1 && seconds <= MAX_WAIT_TIMEOUT_SECONDS
    ? []
    : [{ field: "waitTimeout", value: seconds, rule: RULES.waitTimeout }];
}

export function checkKind(kind: unknown): SpecProblem[] {
  return (PACKAGE_KINDS as readonly unknown[]).includes(kind)
    ? []
    : [{ field: "kind", value: kind, rule: `one of ${PACKAGE_KINDS.join(", ")}` }];
}

export function checkRemovalPolicy(policy: unknown): SpecProblem[] {
  return (REMOVAL_POLICIES as readonly unknown[]).includes(policy)
    ? []
    : [{ field: "removalPolicy", value: policy, rule: `one of ${REMOVAL_POLICIES.join(", ")}` }];
}

/** Every problem with a whole spec, in field order. */
export function checkSpec(spec: PackageGroupSpec): SpecProblem[] {
  return [
    ...checkKind(spec.kind),
    ...checkGroupName(spec.group),
    ...checkPaths(spec.paths, checkRegion(spec.region).length === 0 ? spec.region : undefined),
    ...checkSpecEnvironmentSize(spec),
    ...checkStagedFiles(spec.files, Array.isArray(spec.paths) ? spec.paths : []),
    ...checkRegion(spec.region),
    ...checkProjectId(spec.projectId),
    ...checkEndpoint(spec.endpoint),
    ...checkWaitTimeout(spec.waitTimeoutSeconds),
    ...checkRemovalPolicy(spec.removalPolicy),
  ];
}
