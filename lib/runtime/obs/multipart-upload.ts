/**
 * A file above the multipart threshold goes up as an OBS multipart upload (OBS API
 * "Initiating a Multipart Upload", "Uploading a Part", "Completing a Multipart Upload"):
 *
 *   resume or initiate → hash part i (MD5, and the file's SHA-256 in order) → send part i with
 *   its Content-MD5, up to `partConcurrency` parts at once → SHA-256 equal to the spec's →
 *   complete.
 *
 * Hashing runs ahead of the sends by a few parts (never holding data: parts are read from disk
 * twice, once to hash, once to send), so a large file costs about max(hash, send) rather than
 * their sum. The SHA-256 of the whole file is known before Complete: a file changed since synth
 * aborts the upload, so no object is made and nothing is registered.
 *
 * An upload interrupted earlier (the process killed, the network gone) is resumed: its parts
 * whose size and ETag (the part's MD5, OBS API "Uploading a Part") equal ours are kept. One that
 * fails here is left for the next apply to resume (said in one line); `staging gc` aborts
 * uploads that stay stale.
 */
import { createHash } from "node:crypto";
import { ApiError, ConfigError } from "../errors";
import { Progress } from "../progress";
import { changedSinceSynth, hashRange, LocalFile, rangeBody } from "./local-file";
import { ObsBucketAddress } from "./obs-address";
import { ListedPart, ObsClient } from "./obs-client";
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

interface PartDigest {
  readonly hex: string;
  readonly base64: string;
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

  const sha = createHash("sha256");
  const digests = Array.from({ length: count }, () => deferred<PartDigest>());
  const etags: string[] = new Array(count);
  let taken = 0;
  let stopped = false;
  let wakeHasher: (() => void) | undefined;
  let sent = 0;
  let reused = 0;
  const stop = () => {
    stopped = true;
    wakeHasher?.();
  };

  const hasher = async () => {
    try {
      for (let index = 0; index < count; index++) {
        while (!stopped && index >= taken + HASH_LOOKAHEAD) await new Promise<void>((resolve) => (wakeHasher = resolve));
        if (stopped) return;
        const md5 = createHash("md5");
        await hashRange(file, index * partBytes, lengthOf(index), [sha, md5]);
        const digest = md5.digest();
        digests[index].resolve({ hex: digest.toString("hex"), base64: digest.toString("base64") });
      }
      const sha256 = sha.digest("hex");
      if (sha256 !== file.entry.sha256) throw changedSinceSynth(file, sha256);
    } catch (error) {
      for (const d of digests) d.reject(error);
      throw error;
    }
  };

  const sender = async () => {
    while (!stopped) {
      const index = taken++;
      if (index >= count) return;
      wakeHasher?.();
      const digest = await digests[index].promise;
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

  const tasks = [hasher(), ...Array.from({ length: Math.min(settings.partConcurrency, count) }, sender)].map((task) =>
    task.catch((error) => {
      stop();
      throw error;
    }),
  );
  const outcomes = await Promise.allSettled(tasks);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failed) {
    const error = failed.reason;
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

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A part nobody waits for any more (the upload stopped) must not be an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
