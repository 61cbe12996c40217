/**
 * `dli-packages upload-group` — the content resource's create-time provisioner (design.md §4):
 * upload → wait until READY → converge → verify → summary.
 */
import { specFromEnvironment } from "../../contract/environment";
import { MAX_ENVIRONMENT_STRING_BYTES, packageNameOf } from "../../contract/rules";
import { PackageGroupSpec } from "../../contract/spec";
import { listNames } from "../../contract/bounded-text";
import { converge } from "../converge";
import { createProgress, Progress } from "../progress";
import { credentialsFromEnvironment, OBS_NEEDS_AKSK } from "../credentials";
import { obsEndpointOverride } from "../endpoints";
import { ConfigError } from "../errors";
import { ObsClient } from "../obs/obs-client";
import { createRetryDigest } from "../obs/retry-digest";
import { closePrepared, prepareStagedFiles, stageFiles } from "../obs/stage-files";
import { stagingSettingsFromEnvironment } from "../obs/staging-settings";
import { openSession, Session } from "../session";
import { verifyGroupIsSpec } from "../verify-group";
import { waitUntilReady } from "../wait-until-ready";
import { specProblemsError } from "./spec-problems";

export const UPLOAD_GROUP_HELP = `Usage: dli-packages upload-group

Uploads the package group described by DLI_PACKAGES_SPEC (the synthesized provisioner sets
it: the content resource's triggers as JSON; by hand, the DLI_PACKAGES_* variables of each
field instead), waits until every package is READY (bounded by
DLI_PACKAGES_WAIT_TIMEOUT_SECONDS), then deletes any package of the group the spec does not
declare, so the group is exactly the spec, and reads the group back: it exits 0 only when that
read shows exactly the spec, all READY (another writer on the same group makes it exit 1).

Local files (the spec's files, DLI_PACKAGES_FILES by hand) are staged into OBS first, from the
working directory (the stack directory): each checked against its recorded size and SHA-256
(not a symbolic link), one HEAD, and only when the object is absent or different: one PUT with
Content-MD5 up to DLI_PACKAGES_MULTIPART_THRESHOLD_BYTES (64 MiB), else a multipart upload
(DLI_PACKAGES_PART_BYTES, DLI_PACKAGES_PART_CONCURRENCY; an interrupted one is resumed), then
read back.

Credentials: HW_ACCESS_KEY + HW_SECRET_KEY (+ HW_SECURITY_TOKEN), or HUAWEICLOUD_SDK_AK +
HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN), or HW_AUTH_TOKEN (not with files: OBS
needs AK/SK).
Endpoints: HW_DLI_ENDPOINT, HW_IAM_ENDPOINT, HW_OBS_ENDPOINT override the defaults (https, or
http on loopback; no user info, path, query or fragment). Project: HW_PROJECT_ID (32 lower-case hex characters).
Every value is checked before any request; a bad one exits 2. The spec must fit in one
environment string of at most ${MAX_ENVIRONMENT_STRING_BYTES} bytes (128 KiB, Linux
MAX_ARG_STRLEN): Terraform cannot pass a larger one to the provisioner.

Exit codes: 0 done, 1 failed (API error, FAILED package, timeout), 2 usage or configuration.`;

export async function uploadGroup(env: NodeJS.ProcessEnv, progress?: Progress, cwd: string = process.cwd()): Promise<void> {
  const parsed = specFromEnvironment(env);
  if (!parsed.ok) throw specProblemsError(parsed.problems);
  const spec = parsed.spec;
  await stageFilesAndConverge(spec, env, progress ?? createProgress(`upload-group ${spec.kind} group=${spec.group}`), cwd);
}

/**
 * The spec's staged files made present in OBS (resolved against `cwd`, the stack directory),
 * then {@link convergeGroupToSpec}. Also what `diff --repair` runs, so a repair re-stages an
 * object deleted behind Terraform's back instead of registering a missing one.
 */
export async function stageFilesAndConverge(spec: PackageGroupSpec, env: NodeJS.ProcessEnv, log: Progress, cwd: string): Promise<ConvergeResult> {
  if (!spec.files) return convergeGroupToSpec(spec, env, log);
  // Everything about staging is checked before any request: credentials OBS accepts, the
  // endpoint override, the settings, and every local file.
  if (credentialsFromEnvironment(env).kind === "token") throw new ConfigError(OBS_NEEDS_AKSK);
  const override = obsEndpointOverride(env);
  const settings = stagingSettingsFromEnvironment(env);
  const prepared = await prepareStagedFiles(spec.files, cwd, settings, override);
  try {
    return await convergeGroupToSpec(spec, env, log, async (session) => {
      const retries = createRetryDigest(log);
      const client = new ObsClient(session.transport, session.credentials, retries.listener);
      await stageFiles(prepared, client, settings, log, retries);
      return () => client.requestCount;
    });
  } finally {
    await closePrepared(prepared);
  }
}

/**
 * Runs after the session is open and before the group is uploaded (staging local files);
 * returns a counter of the calls it made, for the summary.
 */
export type BeforeUpload = (session: Session) => Promise<() => number>;

/** What {@link convergeGroupToSpec} did. */
export interface ConvergeResult {
  /** The package names of the spec, now live and READY. */
  readonly names: readonly string[];
  /** Packages of the group the spec did not declare, deleted while converging. */
  readonly deleted: readonly string[];
  /** DLI project the group lives in. */
  readonly projectId: string;
  /** API calls made, IAM included, attempts included. */
  readonly requestCount: number;
}

/**
 * The core of `upload-group` for an already-validated spec: upload → wait until READY →
 * converge → summary. Also used by `dli-packages diff --repair`, so both take the same path.
 * `env` supplies credentials, endpoint overrides, project id and retry bounds.
 */
export async function convergeGroupToSpec(spec: PackageGroupSpec, env: NodeJS.ProcessEnv, log: Progress, beforeUpload?: BeforeUpload): Promise<ConvergeResult> {
  const session = await openSession({ region: spec.region, specProjectId: spec.projectId, specEndpoint: spec.endpoint, env, progress: log });
  try {
    const otherCalls = beforeUpload ? await beforeUpload(session) : () => 0;
    const requestCount = () => session.requestCount() + otherCalls();
    const names = spec.paths.map(packageNameOf);
    const uploaded = await session.client.uploadGroup(spec.kind, spec.group, spec.paths);
    log.step(`upload sent (${names.length} package${names.length === 1 ? "" : "s"})`);
    const ready = await waitUntilReady({
      client: session.client,
      group: spec.group,
      names,
      timeoutMs: spec.waitTimeoutSeconds * 1000,
      initial: uploaded,
      onProgress: (n, total) => log.step(`waiting… ${n}/${total} READY`),
    });
    log.step(`${names.length}/${names.length} READY`);
    // The latest view of the group (upload answer or last poll) lists what the group holds
    // (dli-api.md §1.1 `resources`: "package names in the group"), so no extra listing is needed.
    const deleted = await converge(session.client, ready, names);
    log.step(`converged (deleted ${deleted.length}${deleted.length > 0 ? `: ${listNames(deleted)}` : ""})`);
    // Another writer may have changed the group since our view (design.md §4 step 7).
    await verifyGroupIsSpec(session.client, spec.group, names);
    log.step(`done: group ${spec.group} = ${listNames(names)} (verified) · project ${session.client.projectId} · ${requestCount()} API calls`);
    return { names, deleted, projectId: session.client.projectId, requestCount: requestCount() };
  } finally {
    await session.close();
  }
}
