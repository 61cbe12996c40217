/**
 * A staged file's source on disk at apply time: opened once (never through a symbolic link),
 * checked against what synth recorded, then read in ranges: hashed, and streamed as request
 * bodies. Memory stays bounded whatever the size: nothing is held but one read buffer per
 * reader.
 */
import { createHash, Hash } from "node:crypto";
import { constants, promises as fs, read } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { renderValue } from "../../contract/bounded-text";
import { StagedFile } from "../../contract/spec";
import { ConfigError } from "../errors";
import { RequestBody } from "../transport";

/** An open, checked source file. */
export interface LocalFile {
  readonly entry: StagedFile;
  /** `files[i]`, for messages. */
  readonly field: string;
  readonly path: string;
  readonly handle: fs.FileHandle;
  readonly size: number;
}

/** Read size of the hashing and sending streams. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Open `files[index].source` (relative to `cwd`, the stack directory) and check it is a regular
 * file, not a symbolic link, of the recorded size. Throws a one-line ConfigError naming the
 * field, the value and what to do.
 */
export async function openLocalFile(entry: StagedFile, index: number, cwd: string): Promise<LocalFile> {
  const field = `files[${index}].source`;
  const path = resolve(cwd, entry.source);
  const refuse = (what: string) =>
    new ConfigError(`${field}: ${renderValue(entry.source)} ${what}; the stack ships each file as an asset at synth: run synth again and apply the new stack`);
  let handle: fs.FileHandle;
  try {
    // O_NOFOLLOW: a symbolic link at the last component fails with ELOOP instead of being followed.
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw refuse("is a symbolic link (staged files are regular files; synth copies the file itself)");
    if (code === "ENOENT") throw refuse(`does not exist in the stack directory ${renderValue(cwd)}`);
    throw refuse(`cannot be opened (${code ?? (error as Error).message})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw refuse("is not a regular file");
    if (stat.size !== entry.size) throw refuse(`changed since synth: it has ${stat.size} bytes, the spec records ${entry.size}`);
    return { entry, field, path, handle, size: stat.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The refusal when the content's SHA-256 is not the one synth recorded. */
export function changedSinceSynth(file: LocalFile, sha256: string): ConfigError {
  return new ConfigError(
    `${file.field}: ${renderValue(file.entry.source)} changed since synth: its SHA-256 is ${sha256}, the spec records ${file.entry.sha256}; ` +
      `the stack ships each file as an asset at synth: run synth again and apply the new stack (nothing was registered)`,
  );
}

/** Feed bytes [start, start+length) of the file into each hash, in order, with one reused buffer. */
export async function hashRange(file: LocalFile, start: number, length: number, hashes: readonly Hash[]): Promise<void> {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, length)));
  let position = start;
  const end = start + length;
  while (position < end) {
    const { bytesRead } = await file.handle.read(buffer, 0, Math.min(buffer.length, end - position), position);
    if (bytesRead === 0) throw new ConfigError(`${file.field}: ${renderValue(file.entry.source)} shrank while it was read; run synth again and apply the new stack`);
    for (const hash of hashes) hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/** SHA-256 (hex) and MD5 (base64) of a whole file, one pass. */
export async function hashWholeFile(file: LocalFile): Promise<{ sha256: string; md5Base64: string }> {
  const sha = createHash("sha256");
  const md5 = createHash("md5");
  await hashRange(file, 0, file.size, [sha, md5]);
  return { sha256: sha.digest("hex"), md5Base64: md5.digest("base64") };
}

/** Bytes [start, start+length) as a request body, read from disk again for every attempt. */
export function rangeBody(file: LocalFile, start: number, length: number): RequestBody {
  return { length, open: () => new FileRangeStream(file, start, start + length) };
}

/**
 * A byte range of an open file as a stream, by positioned reads (parts of one file stream at
 * once). Not `fs.createReadStream({ fd })`: destroying that closes the descriptor, which every
 * other part and the next attempt still read from; destroying this one leaves it open.
 */
class FileRangeStream extends Readable {
  private position: number;

  constructor(
    private readonly file: LocalFile,
    start: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
    this.position = start;
  }

  override _read(): void {
    const length = Math.min(CHUNK_BYTES, this.end - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    const buffer = Buffer.allocUnsafe(length);
    read(this.file.handle.fd, buffer, 0, length, this.position, (error, bytesRead) => {
      if (this.destroyed) return;
      if (error) return void this.destroy(error);
      if (bytesRead === 0) return void this.destroy(new Error(`${this.file.entry.source} shrank while it was sent`));
      this.position += bytesRead;
      this.push(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
    });
  }
}
