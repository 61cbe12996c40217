/**
 * Make each staged file's object present in OBS before the group is uploaded (issue 24,
 * lifecycle.md "Local files"):
 *
 *   before any request: every source opened and checked (regular file, not a symbolic link,
 *   the recorded size; files up to the multipart threshold also hashed: the recorded SHA-256)
 *   then per file: HEAD → same size and x-obs-meta-sha256 → nothing sent
 *                        else PUT with Content-MD5 (≤ threshold) or a multipart upload
 *                        → HEAD read-back: exit 0 means the object is verified.
 */
import { createHash } from "node:crypto";
import { renderValue } from "../../contract/bounded-text";
import { StagedFile } from "../../contract/spec";
import { obsObjectLocation } from "../../contract/staging";
import { OperationError } from "../errors";
import { Progress } from "../progress";
import { changedSinceSynth, hashRange, hashWholeFile, LocalFile, openLocalFile, rangeBody } from "./local-file";
import { multipartUpload } from "./multipart-upload";
import { obsBucketAddress, ObsBucketAddress } from "./obs-address";
import { ObsClient } from "./obs-client";
import { StagingSettings } from "./staging-settings";
import { RetryDigest } from "./retry-digest";
import { createUploadMeter, formatBytes } from "./upload-progress";

/** A staged file checked on disk, ready to be made present. */
export interface PreparedFile {
  readonly file: LocalFile;
  readonly address: ObsBucketAddress;
  readonly key: string;
  /** The object's base name, for progress lines. */
  readonly name: string;
  /** Hashes of files sent in one PUT, computed before any request. */
  readonly whole?: { readonly md5Base64: string };
}

/** What {@link stageFiles} did, for the summary. */
export interface StagingSummary {
  /** Objects found present (nothing sent). */
  readonly present: number;
  /** Objects uploaded now. */
  readonly uploaded: number;
}

/**
 * Open and check every staged file before any request: a refusal names the field and says what
 * to do. Files the single PUT will send are hashed here too. The handles are the caller's to
 * close ({@link closePrepared}), also on failure of a later step.
 */
export async function prepareStagedFiles(files: readonly StagedFile[], cwd: string, settings: StagingSettings, override: URL | undefined): Promise<PreparedFile[]> {
  const prepared: PreparedFile[] = [];
  try {
    for (const [index, entry] of files.entries()) {
      const file = await openLocalFile(entry, index, cwd);
      const location = obsObjectLocation(entry.objectUrl);
      // checkStagedFiles already held objectUrl to the OBS URL rules; this is the type's guard.
      if (!location) throw new OperationError(`files[${index}].objectUrl: ${renderValue(entry.objectUrl)} is not an OBS object URL`);
      const item: PreparedFile = {
        file,
        address: obsBucketAddress(location.bucket, location.region, location.domain, override),
        key: location.key,
        name: location.key.slice(location.key.lastIndexOf("/") + 1),
      };
      prepared.push(item);
      if (file.size <= settings.multipartThresholdBytes) {
        const { sha256, md5Base64 } = await hashWholeFile(file);
        if (sha256 !== entry.sha256) throw changedSinceSynth(file, sha256);
        prepared[prepared.length - 1] = { ...item, whole: { md5Base64 } };
      }
    }
    return prepared;
  } catch (error) {
    await closePrepared(prepared);
    throw error;
  }
}

export async function closePrepared(prepared: readonly PreparedFile[]): Promise<void> {
  await Promise.all(prepared.map((p) => p.file.handle.close().catch(() => undefined)));
}

/**
 * Files staged at once. A group of many small files costs round trips (HEAD, PUT, HEAD each),
 * not bandwidth, so a few go in parallel; a large file's parts are already parallel.
 */
export const FILE_CONCURRENCY = 4;

/**
 * HEAD each object; upload the absent or different ones; read each upload back. Up to
 * {@link FILE_CONCURRENCY} files at once; after a failure no further file is started, the ones
 * in flight finish, and the first error is thrown.
 */
export async function stageFiles(prepared: readonly PreparedFile[], client: ObsClient, settings: StagingSettings, log: Progress, retries?: RetryDigest): Promise<StagingSummary> {
  let present = 0;
  let uploaded = 0;
  let failure: { error: unknown } | undefined;
  const queue = [...prepared];
  const worker = async () => {
    for (let item = queue.shift(); item && !failure; item = queue.shift()) {
      try {
        if (await stageOne(item, client, settings, log)) uploaded++;
        else present++;
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FILE_CONCURRENCY, prepared.length) }, worker));
  if (failure) throw failure.error;
  const retried = retries?.takeTotal();
  log.step(`staged ${prepared.length} file${prepared.length === 1 ? "" : "s"}: ${uploaded} uploaded, ${present} already in OBS${retried ? `; ${retried}` : ""}`);
  return { present, uploaded };
}

/** Make one object present; true when it was uploaded, false when it already was there. */
async function stageOne(item: PreparedFile, client: ObsClient, settings: StagingSettings, log: Progress): Promise<boolean> {
  const { file, address, key, name } = item;
  const sha256 = file.entry.sha256;
  const head = await client.headObject(address, key);
  if (head && head.size === file.size && head.sha256 === sha256) {
    // Large files were not hashed yet: the local copy must still be what synth recorded.
    if (!item.whole) await verifySha256(file);
    log.step(`staging ${name}: already in OBS with the same size and SHA-256, nothing sent`);
    return false;
  }
  const started = Date.now();
  const meter = createUploadMeter(name, file.size, log);
  if (item.whole) {
    await client.putObject(address, key, rangeBody(file, 0, file.size), item.whole.md5Base64, sha256);
  } else {
    await multipartUpload({ client, address, key, file, settings, log, meter, name });
  }
  const back = await client.headObject(address, key);
  if (!back || back.size !== file.size || back.sha256 !== sha256) {
    throw new OperationError(
      `staging ${name}: the object read back after the upload is ${back ? `${back.size} bytes with SHA-256 ${renderValue(back.sha256 ?? "(none)")}` : "absent"}, expected ${file.size} bytes with SHA-256 ${sha256}; another writer may have changed it: re-run apply`,
    );
  }
  const seconds = Math.max(0.001, (Date.now() - started) / 1000);
  log.step(`staging ${name}: ${formatBytes(file.size)} uploaded in ${seconds.toFixed(1)}s (${formatBytes(file.size / seconds)}/s), read back: same size and SHA-256`);
  return true;
}

async function verifySha256(file: LocalFile): Promise<void> {
  const sha = createHash("sha256");
  await hashRange(file, 0, file.size, [sha]);
  const sha256 = sha.digest("hex");
  if (sha256 !== file.entry.sha256) throw changedSinceSynth(file, sha256);
}
