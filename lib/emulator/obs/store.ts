/**
 * Objects and multipart uploads on disk, streamed in and out (a 2 GB object never sits in
 * memory). The in-memory index holds metadata only; each object's bytes live in their own data
 * file, written under a temporary name and renamed into place, so a reader that opened the old
 * file keeps reading it while a writer replaces the object ("last write wins").
 *
 * A completed multipart upload keeps its parts' files as the object's data, in order
 * (`segments`): OBS assembles an object server-side, so the client should not wait for a copy.
 *
 * Layout under the data directory: `objects/<bucket>/<sha256(key)>.<n>.data` (+ `<n>-s<i>.data`
 * per further part) + `.json`, `uploads/<uploadId>/upload.json` + `part-<n>.data` +
 * `part-<n>.json`, `tmp/`. An existing
 * directory is loaded at start, so objects survive a restart when the directory is kept.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface StoredObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** The ETag without quotes: MD5 hex, or `<md5 of the part MD5s>-<parts>` for a multipart object. */
  readonly etag: string;
  /** Epoch ms. */
  readonly lastModified: number;
  readonly contentType: string;
  /** `x-obs-meta-*` headers, names in lower case, as received. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The upload that assembled it (HEAD answers `x-obs-uploadId`: obs_04_0102). */
  readonly uploadId?: string;
  readonly dataFile: string;
  /**
   * Further data files after `dataFile`, in order: a completed multipart upload keeps its parts'
   * files as they are (renamed into place), as OBS assembles an object without the client
   * waiting for a copy. @default - none: `dataFile` holds every byte
   */
  readonly segments?: readonly string[];
}

export interface StoredPart {
  readonly partNumber: number;
  readonly size: number;
  /** MD5 hex, no quotes. */
  readonly etag: string;
  readonly lastModified: number;
  readonly dataFile: string;
}

export interface StoredUpload {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: number;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Who initiated it (`Initiator/ID`). */
  readonly initiator: string;
  readonly parts: Map<number, StoredPart>;
  readonly dir: string;
}

/** What a streamed body turned out to be. */
export interface ReceivedBody {
  readonly file: string;
  readonly size: number;
  readonly md5: Buffer;
}

/** Thrown while receiving a body over `maxBytes`. */
export class BodyTooLargeError extends Error {}

/** Buffer of the file streams: 1 MiB chunks (fewer syscalls than the 64 KiB default; still bounded). */
const STREAM_CHUNK = 1024 * 1024;

export class ObjectStore {
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly uploads = new Map<string, StoredUpload>();
  private readonly tmpDir: string;
  private counter = 0;

  /** `removeOnClose`: the directory is the emulator's own temporary one. */
  constructor(
    readonly dir: string,
    buckets: readonly string[],
    private readonly removeOnClose: boolean,
  ) {
    this.tmpDir = join(dir, "tmp");
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
    for (const bucket of buckets) this.objects.set(bucket, new Map());
    this.load();
  }

  hasBucket(bucket: string): boolean {
    return this.objects.has(bucket);
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.objects.get(bucket)?.get(key);
  }

  /** Every object of a bucket whose key starts with `prefix`, in key order (UTF-8 bytes, as OBS lists). */
  list(bucket: string, prefix: string): StoredObject[] {
    return [...(this.objects.get(bucket)?.values() ?? [])].filter((o) => o.key.startsWith(prefix)).sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Stream a body to a temporary file, counting and hashing it; over `maxBytes` → BodyTooLargeError. */
  async receive(body: Readable, maxBytes: number): Promise<ReceivedBody> {
    const file = join(this.tmpDir, `${Date.now()}-${++this.counter}-${randomBytes(4).toString("hex")}`);
    const md5 = createHash("md5");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new BodyTooLargeError(`body over ${maxBytes} bytes`));
        md5.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(file, { highWaterMark: STREAM_CHUNK }));
    } catch (failure) {
      await rm(file, { force: true });
      throw failure;
    }
    return { file, size, md5: md5.digest() };
  }

  /** Drop a received body that will not be kept. */
  async discard(received: ReceivedBody): Promise<void> {
    await rm(received.file, { force: true });
  }

  /** Make a received body the object `bucket/key` (replacing any). */
  putObject(bucket: string, key: string, received: ReceivedBody, fields: Omit<StoredObject, "bucket" | "key" | "size" | "dataFile" | "segments">): StoredObject {
    return this.keep(bucket, key, [received.file], received.size, fields);
  }

  /**
   * Rename `files` (the object's bytes, in order) into the bucket's folder and make them the
   * object `bucket/key`, replacing any. Synchronous: no other request sees a half-kept object.
   */
  private keep(bucket: string, key: string, files: readonly string[], size: number, fields: Omit<StoredObject, "bucket" | "key" | "size" | "dataFile" | "segments">): StoredObject {
    const base = join(this.dir, "objects", bucket, createHash("sha256").update(key).digest("hex"));
    const stamp = `${Date.now()}-${++this.counter}`;
    mkdirSync(join(this.dir, "objects", bucket), { recursive: true });
    const kept = files.map((file, index) => {
      const target = index === 0 ? `${base}.${stamp}.data` : `${base}.${stamp}-s${index}.data`;
      renameSync(file, target);
      return target;
    });
    const object: StoredObject = { bucket, key, size, dataFile: kept[0], ...(kept.length > 1 ? { segments: kept.slice(1) } : {}), ...fields };
    writeJsonAtomically(`${base}.json`, object, this.tmpDir);
    const previous = this.get(bucket, key);
    this.objects.get(bucket)!.set(key, object);
    if (previous && previous.dataFile !== object.dataFile) for (const file of dataFilesOf(previous)) rmSync(file, { force: true });
    return object;
  }

  /** A readable stream of an object's bytes (every file opened now: a later replacement does not affect it). */
  read(object: StoredObject): Readable {
    if (!object.segments) return createReadStream(object.dataFile, { highWaterMark: STREAM_CHUNK });
    const fds = dataFilesOf(object).map((file) => openSync(file, "r"));
    let next = 0;
    const closeRest = () => {
      for (; next < fds.length; next++) closeSync(fds[next]);
    };
    const stream = Readable.from(
      (async function* () {
        try {
          for (; next < fds.length; ) {
            const fd = fds[next++];
            for await (const chunk of createReadStream("", { fd, highWaterMark: STREAM_CHUNK })) yield chunk as Buffer;
          }
        } finally {
          closeRest();
        }
      })(),
      { objectMode: false },
    );
    // Destroyed before the generator started (a client gone at once): its `finally` never runs.
    stream.once("close", closeRest);
    return stream;
  }

  deleteObject(bucket: string, key: string): void {
    const object = this.get(bucket, key);
    if (!object) return;
    this.objects.get(bucket)!.delete(key);
    for (const file of dataFilesOf(object)) rmSync(file, { force: true });
    rmSync(object.dataFile.replace(/\.[^.]+\.data$/, ".json"), { force: true });
  }

  // ---- multipart -------------------------------------------------------------------------

  initiate(fields: Omit<StoredUpload, "uploadId" | "parts" | "dir">): StoredUpload {
    // OBS upload ids are 32 upper-case hex characters (obs_04_0098 example: 000001648453845DBB78F2340DD460D8).
    const uploadId = (Date.now().toString(16).padStart(12, "0") + randomBytes(10).toString("hex")).toUpperCase();
    const dir = join(this.dir, "uploads", uploadId);
    mkdirSync(dir, { recursive: true });
    const upload: StoredUpload = { ...fields, uploadId, parts: new Map(), dir };
    writeJsonAtomically(join(dir, "upload.json"), { ...fields, uploadId }, this.tmpDir);
    this.uploads.set(uploadId, upload);
    return upload;
  }

  upload(uploadId: string): StoredUpload | undefined {
    return this.uploads.get(uploadId);
  }

  /** Uploads of a bucket whose key starts with `prefix`, by key then initiation time. */
  listUploads(bucket: string, prefix: string): StoredUpload[] {
    return [...this.uploads.values()]
      .filter((u) => u.bucket === bucket && u.key.startsWith(prefix))
      .sort((a, b) => compareKeys(a.key, b.key) || a.initiated - b.initiated || (a.uploadId < b.uploadId ? -1 : 1));
  }

  /** Keep a received body as a part; UploadGoneError when the upload ended meanwhile (aborted, completed). */
  putPart(upload: StoredUpload, partNumber: number, received: ReceivedBody, lastModified: number): StoredPart {
    const dataFile = join(upload.dir, `part-${partNumber}.${Date.now()}-${++this.counter}.data`);
    if (this.uploads.get(upload.uploadId) !== upload) throw new UploadGoneError();
    renameSync(received.file, dataFile);
    const part: StoredPart = { partNumber, size: received.size, etag: received.md5.toString("hex"), lastModified, dataFile };
    writeJsonAtomically(join(upload.dir, `part-${partNumber}.json`), part, this.tmpDir);
    const previous = upload.parts.get(partNumber);
    upload.parts.set(partNumber, part);
    if (previous) rmSync(previous.dataFile, { force: true });
    return part;
  }

  /**
   * Make the parts (in the order given) the upload's object, and end the upload. The parts' data
   * files become the object's as they are (renamed, no copy): the client of a 300 MB upload no
   * longer waits for the emulator to write every byte a second time (bench/staging).
   */
  async complete(upload: StoredUpload, parts: readonly StoredPart[], etag: string, lastModified: number): Promise<StoredObject> {
    // Synchronous from here: a concurrent abort or complete either ran before (gone) or runs after.
    if (this.uploads.get(upload.uploadId) !== upload || parts.some((part) => upload.parts.get(part.partNumber) !== part)) throw new UploadGoneError();
    const files = parts.length > 0 ? parts.map((part) => part.dataFile) : [join(this.tmpDir, `complete-${upload.uploadId}-${++this.counter}`)];
    if (parts.length === 0) writeFileSync(files[0], "");
    const size = parts.reduce((sum, part) => sum + part.size, 0);
    const object = this.keep(upload.bucket, upload.key, files, size, {
      etag,
      lastModified,
      contentType: upload.contentType,
      metadata: upload.metadata,
      uploadId: upload.uploadId,
    });
    this.abort(upload.uploadId);
    return object;
  }

  /** Forget an upload and delete its parts. */
  abort(uploadId: string): boolean {
    const upload = this.uploads.get(uploadId);
    if (!upload) return false;
    this.uploads.delete(uploadId);
    rmSync(upload.dir, { recursive: true, force: true });
    return true;
  }

  /** Forget every object and upload (the buckets stay). */
  clear(): void {
    for (const [bucket, objects] of this.objects) {
      objects.clear();
      rmSync(join(this.dir, "objects", bucket), { recursive: true, force: true });
    }
    this.uploads.clear();
    rmSync(join(this.dir, "uploads"), { recursive: true, force: true });
  }

  close(): void {
    if (this.removeOnClose) rmSync(this.dir, { recursive: true, force: true });
  }

  private load(): void {
    for (const bucket of this.objects.keys()) {
      const dir = join(this.dir, "objects", bucket);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).filter((n) => n.endsWith(".json"))) {
        const object = readJson<StoredObject>(join(dir, name));
        if (object && dataFilesOf(object).every((file) => existsSync(file))) this.objects.get(bucket)!.set(object.key, object);
      }
    }
    const uploadsDir = join(this.dir, "uploads");
    if (!existsSync(uploadsDir)) return;
    for (const uploadId of readdirSync(uploadsDir)) {
      const dir = join(uploadsDir, uploadId);
      const fields = readJson<Omit<StoredUpload, "parts" | "dir">>(join(dir, "upload.json"));
      if (!fields || !this.objects.has(fields.bucket)) continue;
      const parts = new Map<number, StoredPart>();
      for (const name of readdirSync(dir).filter((n) => /^part-\d+\.json$/.test(n))) {
        const part = readJson<StoredPart>(join(dir, name));
        if (part && existsSync(part.dataFile)) parts.set(part.partNumber, part);
      }
      this.uploads.set(uploadId, { ...fields, parts, dir });
    }
  }
}

/** Every data file of an object, in order. */
function dataFilesOf(object: StoredObject): string[] {
  return [object.dataFile, ...(object.segments ?? [])];
}

/** The upload ended (aborted) while it was being completed. */
export class UploadGoneError extends Error {}

/** OBS lists keys in the byte order of their UTF-8 form. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function writeJsonAtomically(file: string, value: unknown, tmpDir: string): void {
  const tmp = join(tmpDir, `${randomBytes(8).toString("hex")}.json`);
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}
