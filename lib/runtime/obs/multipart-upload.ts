/**
 * A file above the multipart threshold goes up as an OBS multipart upload (OBS API
 * "Initiating a Multipart Upload", "Uploading a Part", "Completing a Multipart Upload"):
 *
 *   resume or initiate → hash part i (MD5, and the file's SHA-256 in order) → send part i with
 *   its Content-MD5, up to `partConcurrency` parts at once → SHA-256 equal to the spec's →
 *   complete.
 *
 * Hashing runs on a worker thread a few parts ahead of the sends (part-hasher.ts; never holding
 * data: parts are read from disk twice, once to hash, once to send), so a large file costs about
 * max(hash, send) rather than their sum. The SHA-256 of the whole file is known before Complete: a file changed since synth
 * aborts the upload, so no object is made and nothing is registered.
 *
 * An upload interrupted earlier (the process killed, the network gone) is resumed: its parts
 * whose size and ETag (the part's MD5, OBS API "Uploading a Part") equal ours are kept. One that
 * fails here is left for the next apply to resume (said in one line); `staging gc` aborts
 * uploads that stay stale.
 */
import { renderValue } from "../../contract/bounded-text";
import { ApiError, ConfigError } from "../errors";
import { Progress } from "../progress";
import { changedSinceSynth, LocalFile, rangeBody } from "./local-file";
import { ObsBucketAddress } from "./obs-address";
import { ListedPart, ObsClient } from "./obs-client";
import { FileShrankError, startPartHasher } from "./part-hasher";
import { partBytesFor, StagingSettings } from "./staging-settings";
import { UploadMeter } from "./upload-progress";

export interface MultipartOptions {
  readonly client: ObsClient;
  readonly address: ObsBucketAddress;
  readonly key: string;
  readonly file: LocalFile;
  readonly settings: StagingSettings;
  readonly log: Progress;
  readonly meter: UploadMeter;
  /** Display name of the file (its base name). */
  readonly name: string;
}

export interface MultipartResult {
  readonly parts: number;
  /** Parts sent now. */
  readonly sent: number;
  /** Parts an earlier, interrupted upload had already stored. */
  readonly reused: number;
}

/** Parts hashed ahead of the part being sent. */
const HASH_LOOKAHEAD = 2;

export async function multipartUpload(options: MultipartOptions): Promise<MultipartResult> {
  const { client, address, key, file, settings, log, meter, name } = options;
  const partBytes = partBytesFor(file.size, settings);
  const count = Math.ceil(file.size / partBytes);
  const lengthOf = (index: number) => Math.min(partBytes, file.size - index * partBytes);

  const { uploadId, stored, resumed } = await resumeOrInitiate(options);
  log.step(
    resumed
      ? `staging ${name}: resuming an interrupted multipart upload (${stored.size} part${stored.size === 1 ? "" : "s"} stored; ${count} parts of ${partBytes} bytes)`
      : `staging ${name}: multipart upload, ${count} parts of ${partBytes} bytes, ${settings.partConcurrency} at a time`,
  );

  const hasher = startPartHasher(file.handle.fd, file.size, partBytes, HASH_LOOKAHEAD);
  const etags: string[] = new Array(count);
  let taken = 0;
  let stopped = false;
  let sent = 0;
  let reused = 0;

  // The whole file's SHA-256, known once the last part is hashed (before Complete).
  const checkSha256 = async () => {
    let sha256: string;
    try {
      sha256 = await hasher.sha256;
    } catch (error) {
      if (error instanceof FileShrankError) throw new ConfigError(`${file.field}: ${renderValue(file.entry.source)} shrank while it was read; run synth again and apply the new stack`);
      throw error;
    }
    if (sha256 !== file.entry.sha256) throw changedSinceSynth(file, sha256);
  };

  const sender = async () => {
    while (!stopped) {
      const index = taken++;
      if (index >= count) return;
      hasher.advance(index);
      const digest = await hasher.digest(index);
      const partNumber = index + 1;
      const earlier = stored.get(partNumber);
      if (earlier && earlier.etag === digest.hex && earlier.size === lengthOf(index)) {
        etags[index] = earlier.etag;
        reused++;
      } else {
        etags[index] = await client.uploadPart(address, key, uploadId, partNumber, rangeBody(file, index * partBytes, lengthOf(index)), digest.base64);
        sent++;
      }
      meter.add(lengthOf(index));
    }
  };

  let first: unknown;
  const tasks = [checkSha256(), ...Array.from({ length: Math.min(settings.partConcurrency, count) }, sender)].map((task) =>
    task.catch(async (error) => {
      // The first failure stops the rest: no new part is taken, hashing ends, and pending
      // digests reject with it (so a sender waiting on one reports the real cause).
      if (!stopped) {
        stopped = true;
        first = error;
        await hasher.stop();
      }
      throw error;
    }),
  );
  const outcomes = await Promise.allSettled(tasks);
  // Done or failed, the worker ends here (a waiting worker would keep the process alive).
  await hasher.stop();
  if (outcomes.some((o) => o.status === "rejected")) {
    const error = first;
    if (completedElsewhere(error)) {
      log.step(`staging ${name}: multipart upload ${uploadId} was completed or aborted by another writer while parts were sent; reading the object back`);
      return { parts: count, sent, reused };
    }
    if (!(error instanceof ConfigError)) {
      log.step(`staging ${name}: multipart upload ${uploadId} left in place: the next apply resumes it (dli-packages staging gc aborts it once stale)`);
      throw error;
    }
    // The file changed since synth: nothing of it may become an object.
    await client.abortMultipartUpload(address, key, uploadId).catch(() =>
      log.step(`staging ${name}: could not abort multipart upload ${uploadId}; dli-packages staging gc aborts it once stale`),
    );
    throw error;
  }

  try {
    await client.completeMultipartUpload(address, key, uploadId, etags.map((etag, index) => ({ partNumber: index + 1, etag })));
  } catch (error) {
    // Another apply of the same content completed this upload first: the read-back decides.
    if (!completedElsewhere(error)) throw error;
    log.step(`staging ${name}: multipart upload ${uploadId} was completed or aborted by another writer; reading the object back`);
  }
  return { parts: count, sent, reused };
}

/** OBS no longer knows the upload: another writer of the same key completed (or aborted) it. */
function completedElsewhere(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === "NoSuchUpload";
}

/** The latest upload in progress for this key, with its stored parts, or a new one. */
async function resumeOrInitiate(options: MultipartOptions): Promise<{ uploadId: string; stored: Map<number, ListedPart>; resumed: boolean }> {
  const { client, address, key, file } = options;
  const uploads = (await client.listMultipartUploads(address, key)).filter((u) => u.key === key).sort((a, b) => b.initiated - a.initiated);
  for (const upload of uploads) {
    try {
      const parts = await client.listParts(address, key, upload.uploadId);
      return { uploadId: upload.uploadId, stored: new Map(parts.map((p) => [p.partNumber, p])), resumed: true };
    } catch (error) {
      // Completed or aborted since it was listed (another writer): try the next one.
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }
  return { uploadId: await client.initiateMultipartUpload(address, key, file.entry.sha256), stored: new Map(), resumed: false };
}
