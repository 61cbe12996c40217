/**
 * Upload a package group (dli-api.md §1.1 per-kind, §1.2 generic): validate everything, then
 * change the state in one step and answer 201 with the group.
 */
import { dliErrors } from "../errors";
import { PACKAGE_KINDS, PackageKind, Tag } from "./state";
import { Operation, OperationContext, OperationResult } from "../operation";
import { groupBody } from "./bodies";

// dli-api.md §1.6: the only published name rules (group ≤64 `[A-Za-z0-9._-]`; package
// `[A-Za-z0-9_!.-]`, not starting with `.`, ≤128).
const GROUP_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const PACKAGE_NAME = /^[A-Za-z0-9_!-][A-Za-z0-9_!.-]{0,127}$/;
// dli-api.md §1.2: tag key 1–128, value 1–255; letters, digits, spaces, `_ . : + - @`.
const TAG_CHARS = /^[\p{L}\p{N} _.:+\-@]+$/u;
const MAX_TAGS = 20;

/** `POST resources/files|jars|pyfiles`: the kind comes from the route. */
export function uploadOfKind(kind: PackageKind): Operation {
  return (context) => upload(context, kind, false);
}

/** `POST resources`: the kind, `is_async` and `tags` come from the body. */
export const uploadGeneric: Operation = (context) => upload(context, undefined, true);

function upload(context: OperationContext, routeKind: PackageKind | undefined, generic: boolean): OperationResult {
  const body = requireObject(context.body);
  const problems: string[] = [];
  const kind = routeKind ?? (body.kind as PackageKind);
  if (!routeKind && !PACKAGE_KINDS.includes(kind)) problems.push(`kind: ${JSON.stringify(body.kind)} must be one of ${PACKAGE_KINDS.join(", ")}`);
  const group = body.group;
  if (typeof group !== "string" || !GROUP_NAME.test(group)) {
    problems.push(`group: ${JSON.stringify(group)} is required: 1–64 letters, digits, '.', '_' or '-'`);
  }
  const paths = body.paths;
  const packages: { name: string; path: string; fails: boolean }[] = [];
  if (!Array.isArray(paths) || paths.length === 0) {
    problems.push(`paths: ${JSON.stringify(paths)} must be a non-empty list of OBS object URLs`);
  } else {
    const seen = new Map<string, number>();
    paths.forEach((path, index) => {
      const name = packageName(path, context.settings.acceptObsScheme);
      if (typeof name !== "string") return problems.push(`paths[${index}]: ${JSON.stringify(path)} ${name.problem}`);
      if (seen.has(name)) return problems.push(`paths[${index}]: package name ${name} is also the name of paths[${seen.get(name)}]; names must be unique in a group`);
      seen.set(name, index);
      packages.push({ name, path, fails: isMissingObject(path, context.settings.failPaths) || context.objectExists(path) === false });
    });
  }
  const isAsync = generic ? asyncFlag(body.is_async, problems) : false;
  const tags = generic ? parseTags(body.tags, problems) : [];
  if (problems.length > 0) throw dliErrors.parameter(problems.join("; "));

  const missing = packages.filter((p) => p.fails);
  if (missing.length > 0 && context.settings.missingObjects === "error") {
    throw dliErrors.filePermission(`File permission check failed or the object does not exist: ${missing.map((p) => p.path).join(", ")}`);
  }
  const stored = context.state.upload({
    projectId: context.params.projectId,
    group: group as string,
    kind,
    packages,
    isAsync,
    tags,
    owner: context.caller!.owner,
    now: context.now,
    readyDelayMs: context.settings.readyDelayMs,
    semantics: context.settings.uploadSemantics,
  });
  return { status: 201, body: groupBody(stored, context.now, "upload") };
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw dliErrors.parameter(`the request body must be a JSON object, got ${body === null ? "null" : Array.isArray(body) ? "an array" : typeof body}`);
  }
  return body as Record<string, unknown>;
}

/** Package name = last path segment of the OBS object URL (dli-api.md §1.1, §6). */
function packageName(path: unknown, acceptObsScheme: boolean): string | { problem: string } {
  if (typeof path !== "string" || path === "") return { problem: "must be an OBS object URL string" };
  let url: URL;
  try {
    url = new URL(path);
  } catch {
    return { problem: "is not a URL (expected https://{bucket}.obs.{region}.myhuaweicloud.com/{key})" };
  }
  const schemes = acceptObsScheme ? ["https:", "http:", "obs:"] : ["https:", "http:"];
  if (!schemes.includes(url.protocol)) return { problem: `has scheme ${url.protocol} (accepted: ${schemes.join(" ")})` };
  const segments = url.pathname.split("/");
  let name = segments[segments.length - 1];
  try {
    name = decodeURIComponent(name);
  } catch {
    return { problem: "has a malformed percent-escape" };
  }
  if (name === "") return { problem: "names no object (it ends with '/')" };
  if (!PACKAGE_NAME.test(name)) return { problem: `gives package name ${JSON.stringify(name)}: letters, digits, '_', '!', '-', '.', not starting with '.', ≤128` };
  return name;
}

/**
 * A package whose object is missing: configured so (`failPaths`), or an object URL in a bucket
 * dli-local emulates that holds no such object (server.ts `objectExists`). The real service's
 * answer is not documented (dli-api.md §6 and §7 question 2; no issue or SDK test found either):
 * DLI fetches packages from OBS after answering 201 (`is_async`, status UPLOADING → READY |
 * FAILED in the Go SDK's model comments), so a missing object most plausibly ends the package
 * FAILED; `missingObjects: "error"` answers 400 DLI.0011 instead (docs/emulator.md "OBS").
 */
function isMissingObject(path: string, patterns: readonly (string | RegExp)[]): boolean {
  return patterns.some((pattern) => (typeof pattern === "string" ? path.includes(pattern) : pattern.test(path)));
}

/** dli-api.md §1.2: the doc example sends `"is_async":"true"`, so accept strings too. */
function asyncFlag(value: unknown, problems: string[]): boolean {
  if (value === undefined || value === null) return false;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  problems.push(`is_async: ${JSON.stringify(value)} must be true or false`);
  return false;
}

function parseTags(value: unknown, problems: string[]): Tag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`tags: must be a list of {key, value}`);
    return [];
  }
  if (value.length > MAX_TAGS) problems.push(`tags: ${value.length} tags, at most ${MAX_TAGS}`);
  const tags: Tag[] = [];
  value.forEach((tag, index) => {
    const key = (tag as Tag | null)?.key;
    const tagValue = (tag as Tag | null)?.value;
    if (typeof key !== "string" || key.length < 1 || key.length > 128 || key.trim() !== key || key.startsWith("_sys_") || !TAG_CHARS.test(key)) {
      problems.push(`tags[${index}].key: ${JSON.stringify(key)} must be 1–128 of letters, digits, spaces, _ . : + - @, not trimmed-away, not starting with _sys_`);
    } else if (typeof tagValue !== "string" || tagValue.length < 1 || tagValue.length > 255 || !TAG_CHARS.test(tagValue)) {
      problems.push(`tags[${index}].value: ${JSON.stringify(tagValue)} must be 1–255 of letters, digits, spaces, _ . : + - @`);
    } else {
      tags.push({ key, value: tagValue });
    }
  });
  return tags;
}
