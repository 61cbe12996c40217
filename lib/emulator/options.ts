/**
 * The emulator's options (programmatic API and CLI), their defaults, and the subset that can be
 * changed while it runs (`configure()` / `PUT /__emulator/config`).
 */
import { FaultOptions } from "./faults";

/** `overwrite`: a same-name group upload replaces the whole group (dli-api.md §1.1, documented).
 *  `merge`: it adds/replaces only the named packages (the reading the old TF provider relied on). */
export type UploadSemantics = "overwrite" | "merge";

/** A project the emulated IAM knows (`GET /v3/projects?name={region}` returns those named so). */
export interface ProjectOptions {
  /** The project id (32 lower-case hex), as `HW_PROJECT_ID` or IAM returns it. */
  readonly id: string;
  /** The project name, which for region projects is the region id (e.g. `cn-north-4`). */
  readonly name: string;
  /** The IAM domain (account) the project belongs to. @default the emulator's domain id */
  readonly domainId?: string;
}

/** An extra AK/SK pair; with `securityToken` it is a temporary credential (dli-api.md §4.1 step 7). */
export interface CredentialOptions {
  /** The access key (AK) requests are signed with. */
  readonly accessKey: string;
  /** The secret key (SK) the signature is checked with. */
  readonly secretKey: string;
  /**
   * Requests signed with this AK must carry `X-Security-Token` with exactly this value.
   * @default - a permanent credential (no token expected)
   */
  readonly securityToken?: string;
  /** Epoch ms after which the credential is rejected (401 APIGW.0307). @default - never expires */
  readonly expiresAt?: number;
  /** Projects the credential may use. @default - every configured project */
  readonly projectIds?: readonly string[];
  /** Owner name recorded on uploads. @default the first IAM user's name */
  readonly owner?: string;
}

/** An IAM user for `POST /v3/auth/tokens` password authentication (dli-api.md §4.2). */
export interface UserOptions {
  /** The IAM user name. */
  readonly name: string;
  /** The password `POST /v3/auth/tokens` must present. */
  readonly password: string;
  /** The IAM domain (account) name the user signs in to. @default "dli-local" */
  readonly domain?: string;
}

export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Interface to listen on. @default "127.0.0.1" */
  readonly host?: string;
  /** Region of the main project. @default "cn-north-4" */
  readonly region?: string;
  /** Id of the main project (32 lower-case hex). @default "d1110ca1d1110ca1d1110ca1d1110ca1" */
  readonly projectId?: string;
  /** Main access key. @default "DLILOCALEMULATORKEY0" */
  readonly accessKey?: string;
  /** Main secret key. @default "dli-local-emulator-only-sk-0000000000000" */
  readonly secretKey?: string;
  /** Same-name group upload semantics. @default "overwrite" */
  readonly uploadSemantics?: UploadSemantics;
  /** 0: uploads are READY (or FAILED) at once; >0: UPLOADING for this long first. @default 0 */
  readonly readyDelayMs?: number;
  /** OBS paths matching one of these (substring or RegExp) are "missing objects". @default [] */
  readonly failPaths?: readonly (string | RegExp)[];
  /** How a missing object shows: `failed` = the package ends FAILED (default); `error` = the upload
   *  is refused with 400 DLI.0011 (dli-api.md §6: the real behaviour is unverified). @default "failed" */
  readonly missingObjects?: "failed" | "error";
  /** Seeded fault injection. @default - none */
  readonly faults?: FaultOptions;
  /** Token bucket per caller (AK or token user) and API, requests per second (dli-api.md §4.3),
   *  taken after authentication; 0 disables. @default 200 */
  readonly throttlePerSecond?: number;
  /** Add `Retry-After: N` to 429 answers (whether APIG sends it is unverified). @default - not sent */
  readonly retryAfterSeconds?: number;
  /** Status for GET of a missing package: 404 DLI.0023 (default) or 400 DLI.0002 (dli-api.md §1.4, unverified). @default 404 */
  readonly missingPackageStatus?: 404 | 400;
  /** Keep a group whose last package was deleted (dli-api.md §1.5, unverified). @default false */
  readonly keepEmptyGroups?: boolean;
  /** Accept `obs://bucket/key` paths besides https object URLs (dli-api.md §6, unverified). @default true */
  readonly acceptObsScheme?: boolean;
  /** JSON file the state is persisted to after every change and loaded from at start. @default - memory only */
  readonly stateFile?: string;
  /** Lifetime of IAM tokens. @default 86400 */
  readonly tokenLifetimeSeconds?: number;
  /** Accepted clock skew of `X-Sdk-Date` (dli-api.md §4.1 step 1). @default 900000 (15 min) */
  readonly maxClockSkewMs?: number;
  /**
   * Lock an AK for `lockoutMs` after this many consecutive signature failures (dli-api.md §4.1
   * step 8: APIG locks after >5 for 5 minutes). Off by default so that tests which fail
   * authentication on purpose do not lock the shared emulator credentials; set 5 to emulate APIG.
   * @default 0 (off)
   */
  readonly lockoutAfterFailures?: number;
  /** How long a locked AK stays locked. @default 300000 (5 min) */
  readonly lockoutMs?: number;
  /** Largest accepted body (dli-api.md §4.1 step 8). @default 12582912 (12 MB) */
  readonly maxBodyBytes?: number;
  /** Extra projects (for 0/1/2-match project-resolution tests, other regions). @default [] */
  readonly projects?: readonly ProjectOptions[];
  /** Extra credentials, e.g. temporary ones with a security token. @default [] */
  readonly credentials?: readonly CredentialOptions[];
  /** IAM users. @default [{ name: "dli-local", password: "dli-local-password", domain: "dli-local" }] */
  readonly users?: readonly UserOptions[];
  /**
   * OBS buckets the emulator serves (docs/emulator.md "OBS"): path-style at its own URL
   * (`HW_OBS_ENDPOINT`), virtual-hosted for `Host: {bucket}.obs.…`, with the same credentials as
   * DLI. A package URL in one of them is checked against its objects.
   * @default [] (no OBS bucket: package URLs are taken as they are)
   */
  readonly obsBuckets?: readonly string[];
  /**
   * Directory holding the emulated OBS objects and multipart parts; loaded at start and kept.
   * @default - `<stateFile>.obs` when `stateFile` is given (and buckets are), else a temporary directory removed on close
   */
  readonly obsDir?: string;
  /** Injectable clock (epoch ms) for signatures, tokens, async status and throttling. @default Date.now */
  readonly now?: () => number;
  /** Receives one line per request (the CLI passes stderr). @default - no log lines */
  readonly log?: (line: string) => void;
  /**
   * Where the emulator runs: `"in-process"` answers on this process's event loop; `"child"`
   * serves from a child process behind the same synchronous handle, so a test may block its
   * own event loop (`execFileSync("terraform", ["apply", …])`) while Terraform calls it. The
   * child cannot take `now`; `log` lines are forwarded; it ends with `close()` or this process.
   * @default "in-process"
   */
  readonly process?: "in-process" | "child";
}

/** What `configure()` may change at runtime. */
export type RuntimeOptions = Pick<
  EmulatorOptions,
  | "uploadSemantics"
  | "readyDelayMs"
  | "failPaths"
  | "missingObjects"
  | "faults"
  | "throttlePerSecond"
  | "retryAfterSeconds"
  | "missingPackageStatus"
  | "keepEmptyGroups"
  | "acceptObsScheme"
  | "tokenLifetimeSeconds"
  | "maxClockSkewMs"
  | "lockoutAfterFailures"
  | "lockoutMs"
>;

export const RUNTIME_OPTION_NAMES: readonly (keyof RuntimeOptions)[] = [
  "uploadSemantics",
  "readyDelayMs",
  "failPaths",
  "missingObjects",
  "faults",
  "throttlePerSecond",
  "retryAfterSeconds",
  "missingPackageStatus",
  "keepEmptyGroups",
  "acceptObsScheme",
  "tokenLifetimeSeconds",
  "maxClockSkewMs",
  "lockoutAfterFailures",
  "lockoutMs",
];

export const DEFAULTS = {
  host: "127.0.0.1",
  region: "cn-north-4",
  projectId: "d1110ca1d1110ca1d1110ca1d1110ca1",
  domainId: "d0a1cdd0a1cdd0a1cdd0a1cdd0a1cd00",
  accessKey: "DLILOCALEMULATORKEY0",
  secretKey: "dli-local-emulator-only-sk-0000000000000",
  user: { name: "dli-local", password: "dli-local-password", domain: "dli-local" },
  uploadSemantics: "overwrite" as UploadSemantics,
  throttlePerSecond: 200,
  tokenLifetimeSeconds: 86_400,
  maxClockSkewMs: 15 * 60 * 1000,
  maxBodyBytes: 12 * 1024 * 1024,
  lockoutMs: 5 * 60 * 1000,
} as const;

/** Reject option values that would make the emulator misbehave silently. */
export function checkRuntimeOptions(patch: Partial<EmulatorOptions>): void {
  const problems: string[] = [];
  if (patch.uploadSemantics !== undefined && patch.uploadSemantics !== "overwrite" && patch.uploadSemantics !== "merge") {
    problems.push(`uploadSemantics: ${JSON.stringify(patch.uploadSemantics)} — use "overwrite" or "merge"`);
  }
  if (patch.missingObjects !== undefined && patch.missingObjects !== "failed" && patch.missingObjects !== "error") {
    problems.push(`missingObjects: ${JSON.stringify(patch.missingObjects)} — use "failed" or "error"`);
  }
  if (patch.missingPackageStatus !== undefined && patch.missingPackageStatus !== 404 && patch.missingPackageStatus !== 400) {
    problems.push(`missingPackageStatus: ${JSON.stringify(patch.missingPackageStatus)} — use 404 or 400`);
  }
  for (const name of ["readyDelayMs", "throttlePerSecond", "retryAfterSeconds", "tokenLifetimeSeconds", "maxClockSkewMs", "lockoutAfterFailures", "lockoutMs"] as const) {
    const value = patch[name];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      problems.push(`${name}: ${JSON.stringify(value)} — must be a number ≥ 0`);
    }
  }
  if (patch.failPaths !== undefined && (!Array.isArray(patch.failPaths) || patch.failPaths.some((p) => typeof p !== "string" && !(p instanceof RegExp)))) {
    problems.push(`failPaths: must be a list of substrings or RegExps`);
  }
  if (problems.length > 0) throw new Error(`dli-local: invalid options:\n  ${problems.join("\n  ")}`);
}

/** OBS bucket naming rules (obs_04_0021 "Creating a Bucket": 3 to 63 characters, lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, no '..', not an IP address). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Refuse bucket names OBS would refuse (each problem named, one line each). */
export function checkObsBuckets(buckets: unknown): void {
  if (buckets === undefined) return;
  if (!Array.isArray(buckets)) throw new Error("dli-local: invalid options:\n  obsBuckets: must be a list of bucket names");
  const problems = buckets
    .filter((b) => typeof b !== "string" || !BUCKET_NAME.test(b) || b.includes("..") || b.includes(".-") || b.includes("-.") || /^\d+\.\d+\.\d+\.\d+$/.test(b))
    .map((b) => `obsBuckets: ${JSON.stringify(b).slice(0, 80)} — an OBS bucket name: 3 to 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit`);
  if (problems.length > 0) throw new Error(`dli-local: invalid options:\n  ${problems.join("\n  ")}`);
}
