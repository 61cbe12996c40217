/**
 * The package-group spec: what the constructs write into the lifecycle resources' triggers
 * at synth time and what the runtime CLI reads back from its environment at apply time.
 *
 * This folder is the only code shared by `lib/constructs/` and `lib/runtime/` (design.md §2).
 * It must stay free of cdktf and undici imports.
 */

/** Version of the spec layout. Bump when a trigger key or env var changes meaning. */
export const SPEC_SCHEMA_VERSION = "1";

/** The DLI package kinds (dli-api.md §1.2 `kind`). */
export const PACKAGE_KINDS = ["file", "jar", "pyFile", "modelFile"] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];

/** What happens to the DLI group when its identity resource is destroyed. */
export const REMOVAL_POLICIES = ["destroy", "retain"] as const;
export type RemovalPolicyValue = (typeof REMOVAL_POLICIES)[number];

/** Default bound for waiting until every package is READY: 30 minutes. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 1800;
/** Largest accepted wait timeout: 12 hours. */
export const MAX_WAIT_TIMEOUT_SECONDS = 43200;

/**
 * A local file of the group, staged into OBS before the group is uploaded (lifecycle.md "Local
 * files"). Its object URL is also one of the spec's `paths`, so everything after staging (upload,
 * READY, converge, verify, diff) treats it like any other package.
 */
export interface StagedFile {
  /**
   * Where the file is at apply time, relative to the stack directory (the provisioner's working
   * directory): its stack asset, `assets/<asset id>/<hash>/<base name>`.
   */
  readonly source: string;
  /** The OBS object URL it is staged at: `<staging><sha256>/<base name>` ({@link stagedObjectUrl}). */
  readonly objectUrl: string;
  /** Size in bytes at synth. */
  readonly size: number;
  /** SHA-256 of the content at synth: 64 lower-case hex characters, also the key's folder. */
  readonly sha256: string;
}

/** Everything the runtime needs to converge one DLI package group. */
export interface PackageGroupSpec {
  /** Always {@link SPEC_SCHEMA_VERSION} for specs produced by this version. */
  readonly schemaVersion: string;
  readonly kind: PackageKind;
  /** DLI group name. */
  readonly group: string;
  /** OBS object URLs, in the order declared. */
  readonly paths: string[];
  /** Huawei Cloud region, e.g. `cn-north-4`. */
  readonly region: string;
  /** Project id; when absent the runtime resolves it (HW_PROJECT_ID, then IAM). */
  readonly projectId?: string;
  /** DLI endpoint override; when absent the runtime derives it from the region. */
  readonly endpoint?: string;
  /** Bound for waiting until the packages are READY, in seconds. */
  readonly waitTimeoutSeconds: number;
  readonly removalPolicy: RemovalPolicyValue;
  /**
   * Local files staged into OBS before the upload, each also in `paths`. Absent (not an empty
   * list) when there are none, so groups without files synthesize exactly what they did before.
   */
  readonly files?: StagedFile[];
}

/** The spec fields, in the fixed order used for triggers and environment variables. */
export const SPEC_FIELDS = [
  "schemaVersion",
  "kind",
  "group",
  "paths",
  "region",
  "projectId",
  "endpoint",
  "waitTimeoutSeconds",
  "removalPolicy",
  "files",
] as const satisfies readonly (keyof PackageGroupSpec)[];
export type SpecField = (typeof SPEC_FIELDS)[number];

/**
 * Fields whose change means "a different group" (design.md §3): they are the identity
 * resource's triggers, so changing one replaces identity → deletes the old group.
 */
export const IDENTITY_FIELDS = [
  "schemaVersion",
  "kind",
  "group",
  "region",
  "projectId",
  "endpoint",
] as const satisfies readonly SpecField[];

/** Trigger key (in `triggers` / `triggers_replace`) for each spec field. */
export const TRIGGER_KEYS: Readonly<Record<SpecField, string>> = {
  schemaVersion: "spec_version",
  kind: "kind",
  group: "group",
  paths: "paths",
  region: "region",
  projectId: "project_id",
  endpoint: "endpoint",
  waitTimeoutSeconds: "wait_timeout_seconds",
  removalPolicy: "removal_policy",
  files: "files",
};

/** Environment variable the provisioners set for each spec field. */
export const SPEC_ENV: Readonly<Record<SpecField, string>> = {
  schemaVersion: "DLI_PACKAGES_SPEC_VERSION",
  kind: "DLI_PACKAGES_KIND",
  group: "DLI_PACKAGES_GROUP",
  paths: "DLI_PACKAGES_PATHS",
  region: "DLI_PACKAGES_REGION",
  projectId: "DLI_PACKAGES_PROJECT_ID",
  endpoint: "DLI_PACKAGES_ENDPOINT",
  waitTimeoutSeconds: "DLI_PACKAGES_WAIT_TIMEOUT_SECONDS",
  removalPolicy: "DLI_PACKAGES_REMOVAL_POLICY",
  files: "DLI_PACKAGES_FILES",
};

/** Credential and endpoint variables read from the apply-time environment (never synthesized). */
export const RUNTIME_ENV = {
  accessKey: ["HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"],
  secretKey: ["HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK"],
  securityToken: ["HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"],
  authToken: ["HW_AUTH_TOKEN"],
  projectId: ["HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"],
  dliEndpoint: ["HW_DLI_ENDPOINT"],
  iamEndpoint: ["HW_IAM_ENDPOINT"],
  /**
   * OBS endpoint for staging local files (https, or http on loopback for the emulator, which is
   * then addressed path-style): default `https://obs.{region}.{cloud domain}`, virtual-hosted.
   */
  obsEndpoint: ["HW_OBS_ENDPOINT"],
  region: ["HW_REGION_NAME"],
  /** Most HTTP attempts per request, first one included (runtime default 6). */
  maxAttempts: ["DLI_PACKAGES_MAX_ATTEMPTS"],
  /** Base of the exponential full-jitter backoff, in ms (runtime default 500). */
  retryBaseMs: ["DLI_PACKAGES_RETRY_BASE_MS"],
  /** Longest single backoff delay, in ms (runtime default 20000). */
  retryMaxDelayMs: ["DLI_PACKAGES_RETRY_MAX_DELAY_MS"],
  /** Bound on the time one request may spend retrying, in ms (runtime default 120000). */
  retryTotalMs: ["DLI_PACKAGES_RETRY_TOTAL_MS"],
  /** Connect / headers / body timeout of each attempt, in ms (runtime default 30000). */
  requestTimeoutMs: ["DLI_PACKAGES_REQUEST_TIMEOUT_MS"],
  /** Staged files larger than this go up as multipart uploads, in bytes (runtime default 64 MiB). */
  multipartThresholdBytes: ["DLI_PACKAGES_MULTIPART_THRESHOLD_BYTES"],
  /** Part size of a multipart upload, in bytes (runtime default 16 MiB, larger when 10,000 parts would not hold the file). */
  partBytes: ["DLI_PACKAGES_PART_BYTES"],
  /** Parts of one multipart upload sent at once (runtime default 4). */
  partConcurrency: ["DLI_PACKAGES_PART_CONCURRENCY"],
} as const;

/** Process exit codes of the `dli-packages` CLI. */
export const EXIT_CODES = {
  ok: 0,
  operationFailed: 1,
  usageOrConfig: 2,
  /** `diff`: the declared state differs from what is live. */
  drift: 2,
} as const;

/** The runtime CLI commands the synthesized provisioners run. */
export const PROVISIONER_COMMANDS = {
  upload: "upload-group",
  delete: "delete-group",
} as const;

/** File name of the bundled runtime CLI inside the stack's asset directory. */
export const RUNTIME_BUNDLE_FILE = "dli-packages.js";

/** File name of the POSIX `sh` launcher beside it (node guard, then `exec node` on the bundle). */
export const RUNTIME_LAUNCHER_FILE = "dli-packages.sh";

/**
 * The string form of each field, as stored in triggers and passed in environment variables.
 * Optional fields absent → empty string (null_resource triggers are map(string)); `files` is
 * then left out of the trigger map and the environment altogether ({@link specToTriggers}).
 */
export function specToStrings(spec: PackageGroupSpec): Record<SpecField, string> {
  return {
    schemaVersion: spec.schemaVersion,
    kind: spec.kind,
    group: spec.group,
    paths: JSON.stringify(spec.paths),
    region: spec.region,
    projectId: spec.projectId ?? "",
    endpoint: spec.endpoint ?? "",
    waitTimeoutSeconds: String(spec.waitTimeoutSeconds),
    removalPolicy: spec.removalPolicy,
    files: spec.files === undefined ? "" : JSON.stringify(spec.files.map(stagedFileInOrder)),
  };
}

/** A staged file's keys in one fixed order, whatever order they were given in (deterministic JSON). */
function stagedFileInOrder(file: StagedFile): StagedFile {
  return { source: file.source, objectUrl: file.objectUrl, size: file.size, sha256: file.sha256 };
}

/**
 * Fields left out of the trigger map and the environment when their string is empty: `files`,
 * added after the first release, so a group without files keeps its triggers byte for byte (no
 * replacement on upgrade).
 */
const OMITTED_WHEN_EMPTY: readonly SpecField[] = ["files"];

/**
 * The one environment variable the synthesized provisioners pass the spec in:
 * `DLI_PACKAGES_SPEC = "${jsonencode(self.triggers_replace)}"` (or `self.triggers`), the
 * resource's trigger map as JSON. One entry instead of one per field keeps every provisioner
 * (and synth: cdktf resolves each JSON node three times) small. When it is set, the per-field
 * variables ({@link SPEC_ENV}, for runs by hand) are ignored.
 */
export const SPEC_VARIABLE = "DLI_PACKAGES_SPEC";

/** The trigger map (`triggers` / `triggers_replace`) of the given fields of a spec. */
export function specToTriggers(spec: PackageGroupSpec, fields: readonly SpecField[] = SPEC_FIELDS): Record<string, string> {
  const strings = specToStrings(spec);
  const triggers: Record<string, string> = {};
  for (const field of fields) {
    if (strings[field] === "" && OMITTED_WHEN_EMPTY.includes(field)) continue;
    triggers[TRIGGER_KEYS[field]] = strings[field];
  }
  return triggers;
}

/** The per-field variables for a spec (a run by hand): `{ DLI_PACKAGES_GROUP: "gatk", … }`. */
export function specToEnvironment(spec: PackageGroupSpec): Record<string, string> {
  const strings = specToStrings(spec);
  const env: Record<string, string> = {};
  for (const field of SPEC_FIELDS) {
    if (strings[field] === "" && OMITTED_WHEN_EMPTY.includes(field)) continue;
    env[SPEC_ENV[field]] = strings[field];
  }
  return env;
}
