/**
 * Local files staged into OBS (lifecycle.md "Local files"): the staging prefix, the
 * content-addressed object URL of each file, and the rules a staged-file list obeys. Shared by
 * the constructs (synth), the runtime (apply, `staging gc`) and the emulator (which bucket and
 * key a package URL names).
 */
import { checkObsPath, cloudDomainOf, packageNameOf, SpecProblem } from "./rules";

/**
 * Largest OBS object: 10,000 parts of at most 5 GiB each (OBS API "Uploading a Part"; the
 * documented 48.8 TB is this figure in TiB).
 */
export const MAX_OBS_OBJECT_BYTES = 10_000 * 5 * 1024 ** 3;

/** The object metadata header holding a staged object's SHA-256 (set on upload, read by HEAD). */
export const SHA256_METADATA_HEADER = "x-obs-meta-sha256";

const SHA256 = /^[0-9a-f]{64}$/;

export const STAGING_RULES = {
  staging:
    "an OBS URL prefix in virtual-hosted form ending in '/': https://{bucket}.obs.{region}.myhuaweicloud.com/{prefix}/ (or .myhuaweicloud.eu), with a non-empty prefix",
  source:
    "a path relative to the stack directory, without '..', '.' or empty segments, backslashes or control characters (the synthesized asset path)",
  sha256: "64 lower-case hexadecimal characters (the SHA-256 of the file)",
  size: `a whole number of bytes from 0 to ${MAX_OBS_OBJECT_BYTES} (the largest OBS object)`,
} as const;

/** An OBS object URL taken apart (virtual-hosted form, as {@link checkObsPath} accepts it). */
export interface ObsObjectLocation {
  readonly bucket: string;
  readonly region: string;
  /** `myhuaweicloud.com` or `myhuaweicloud.eu`. */
  readonly domain: string;
  /** The object key, percent-decoded (what OBS stores). */
  readonly key: string;
}

/**
 * Bucket, region and key of an OBS object URL, or undefined when it is not one in virtual-hosted
 * form. Call it on URLs {@link checkObsPath} accepted (it does not repeat those checks).
 */
export function obsObjectLocation(url: string): ObsObjectLocation | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const host = /^(.+)\.obs\.([a-z0-9-]+)\.(myhuaweicloud\.com|myhuaweicloud\.eu)$/.exec(parsed.hostname);
  if (!host) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(parsed.pathname.slice(1));
  } catch {
    return undefined;
  }
  return { bucket: host[1], region: host[2], domain: host[3], key };
}

/**
 * Problems with a staging prefix (in `region`, when given): what {@link checkObsPath} demands of
 * an object URL, for the URL of a staged object under it, plus the trailing '/' and a non-empty
 * prefix (`staging gc` deletes under it: never a whole bucket).
 */
export function checkStaging(staging: unknown, region?: string): SpecProblem[] {
  const problem = (rule: string) => [{ field: "staging", value: staging, rule }];
  if (typeof staging !== "string" || !staging.endsWith("/")) return problem(STAGING_RULES.staging);
  const example = stagedObjectUrl(staging, "0".repeat(64), "a");
  const objectProblems = checkObsPath(example, 0, region);
  if (objectProblems.length > 0) {
    // The object rule, said of the prefix (its first sentence names the staged object's form).
    const rule = objectProblems[0].rule.replace(/^an OBS object URL in virtual-hosted form https:\/\/\{bucket\}[^;]*(; )?/, "");
    return problem(rule === "" ? STAGING_RULES.staging : `${STAGING_RULES.staging}; ${rule}`);
  }
  const location = obsObjectLocation(staging)!;
  if (location.key === "") return problem(`${STAGING_RULES.staging}; the prefix is empty (name a folder of the bucket, e.g. .../dli-staging/)`);
  return [];
}

/** `<staging><sha256>/<base name>`: where a file with that content and name is staged. */
export function stagedObjectUrl(staging: string, sha256: string, baseName: string): string {
  return `${staging}${sha256}/${baseName}`;
}

/** The object key of a staged file under a key prefix, or undefined when `key` is not one. */
export function stagedKeyParts(key: string, keyPrefix: string): { readonly sha256: string; readonly name: string } | undefined {
  if (!key.startsWith(keyPrefix)) return undefined;
  const rest = key.slice(keyPrefix.length).split("/");
  if (rest.length !== 2 || !SHA256.test(rest[0]) || rest[1] === "") return undefined;
  return { sha256: rest[0], name: rest[1] };
}

/** The base name of a relative source path (`assets/x/h/etl.jar` → `etl.jar`). */
function baseNameOf(source: string): string {
  return source.slice(source.lastIndexOf("/") + 1);
}

/** Problems with one staged-file source path. */
function checkSource(source: unknown, field: string): SpecProblem[] {
  const bad = [{ field, value: source, rule: STAGING_RULES.source }];
  if (typeof source !== "string" || source === "" || source.startsWith("/") || source.includes("\\")) return bad;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(source)) return bad;
  if (source.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) return bad;
  return [];
}

/**
 * Problems with a spec's staged files (`files[i].source`, …): each well formed, its object one
 * of `paths`, at `<…>/<its sha256>/<its source's base name>`, no object twice. Checked at apply
 * time too: a hand-edited or hostile spec is refused before any request.
 */
export function checkStagedFiles(files: unknown, paths: readonly unknown[]): SpecProblem[] {
  if (files === undefined) return [];
  if (!Array.isArray(files) || files.length === 0) {
    return [{ field: "files", value: files, rule: "a non-empty list of staged files (leave it out when there are none)" }];
  }
  const problems: SpecProblem[] = [];
  const seen = new Set<string>();
  files.forEach((file: unknown, index) => {
    const at = `files[${index}]`;
    if (typeof file !== "object" || file === null || Array.isArray(file)) {
      problems.push({ field: at, value: file, rule: "an object with source, objectUrl, size and sha256" });
      return;
    }
    const entry = file as Record<string, unknown>;
    const unknownKeys = Object.keys(entry).filter((k) => !["source", "objectUrl", "size", "sha256"].includes(k));
    for (const key of unknownKeys) problems.push({ field: at, value: key, rule: "an unknown key; the keys are source, objectUrl, size, sha256" });
    problems.push(...checkSource(entry.source, `${at}.source`));
    if (typeof entry.sha256 !== "string" || !SHA256.test(entry.sha256)) {
      problems.push({ field: `${at}.sha256`, value: entry.sha256, rule: STAGING_RULES.sha256 });
    }
    const size = entry.size;
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0 || size > MAX_OBS_OBJECT_BYTES) {
      problems.push({ field: `${at}.size`, value: size, rule: STAGING_RULES.size });
    }
    const object = entry.objectUrl;
    if (typeof object !== "string" || !paths.includes(object)) {
      problems.push({ field: `${at}.objectUrl`, value: object, rule: "one of the spec's paths (the staged object is a package of the group)" });
      return;
    }
    if (seen.has(object)) {
      problems.push({ field: `${at}.objectUrl`, value: object, rule: "staged once: another file of the list has the same object" });
      return;
    }
    seen.add(object);
    if (typeof entry.source === "string" && typeof entry.sha256 === "string") {
      const suffix = `/${entry.sha256}/${baseNameOf(entry.source)}`;
      if (!object.endsWith(suffix) || packageNameOf(object) !== baseNameOf(entry.source)) {
        problems.push({ field: `${at}.objectUrl`, value: object, rule: `the content-addressed URL <staging>${entry.sha256}/${baseNameOf(entry.source)} of its source and sha256` });
      }
    }
  });
  return problems;
}

/** The OBS endpoint of a region when none is given: `https://obs.{region}.{cloud domain}`. */
export function defaultObsEndpoint(region: string): string {
  return `https://obs.${region}.${cloudDomainOf(region)}`;
}
