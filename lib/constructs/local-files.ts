/**
 * The `files` of a package group at synth time (lifecycle.md "Local files"): each local file is
 * checked (exists, a regular file and no symbolic link, readable, a name DLI accepts, not larger
 * than an OBS object may be), hashed (SHA-256: its staged key, `<staging><sha256>/<base name>`,
 * is known at synth, so a changed file is a plan diff naming it) and shipped with the stack as a
 * cdktf asset, so a stack copied to another runner still applies.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";
import { basename, resolve } from "node:path";
import { Construct } from "constructs";
import { AssetType, TerraformAsset, TerraformStack } from "./framework";
import { checkPackageName, MAX_OBS_OBJECT_BYTES, RULES, SpecProblem, StagedFile, stagedObjectUrl } from "../contract";

/** A local file that passed the synth-time checks. */
export interface LocalFile {
  /** The entry of `files` as written. */
  readonly given: string;
  /** The absolute path it was read from. */
  readonly path: string;
  /** Its base name: the package name. */
  readonly name: string;
  readonly size: number;
  /** SHA-256 of its content, 64 lower-case hex characters. */
  readonly sha256: string;
}

const HASH_CHUNK_BYTES = 1024 * 1024;
// C0, DEL, C1 and the Unicode line/paragraph separators (as the contract's rules refuse in paths).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const FILE_RULES = {
  file: "a local file, relative to the app's working directory or absolute",
  control: "a file path without control characters (CR, LF, NUL, tab, C1, U+2028/U+2029, …)",
  missing: "an existing file (build it before synth, or fix the path)",
  directory: "a file, not a directory (list the files of the folder one by one)",
  symlink: "a regular file, not a symbolic link (name the file it points to: the staged content must be what the path names at apply time too)",
  special: "a regular file (not a device, socket or FIFO)",
  unreadable: "a file this process can read",
  size: `at most ${MAX_OBS_OBJECT_BYTES} bytes (the largest OBS object: 10,000 parts of 5 GiB)`,
} as const;

/**
 * Read and check one entry of `files` (index `index`): the problems, or the file with its size
 * and SHA-256. Paths are resolved against the working directory of the app (`cdktf synth` runs
 * it in the project folder).
 */
export function readLocalFile(file: string, index: number): { readonly problems: SpecProblem[]; readonly file?: LocalFile } {
  const field = `files[${index}]`;
  const fail = (rule: string) => ({ problems: [{ field, value: file, rule }] });
  if (file === "") return fail(FILE_RULES.file);
  if (CONTROL.test(file)) return fail(FILE_RULES.control);
  const path = resolve(file);
  const name = basename(path);
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    return fail((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR" ? FILE_RULES.missing : FILE_RULES.unreadable);
  }
  if (stat.isSymbolicLink()) return fail(FILE_RULES.symlink);
  if (stat.isDirectory()) return fail(FILE_RULES.directory);
  if (!stat.isFile()) return fail(FILE_RULES.special);
  if (!checkPackageName(name)) return fail(`${RULES.packageName.replace("the package name (last path segment)", "the file's base name (the package name)")} (got '${name}')`);
  if (stat.size > MAX_OBS_OBJECT_BYTES) return fail(FILE_RULES.size);
  let sha256: string;
  let size: number;
  try {
    ({ sha256, size } = hashFile(path));
  } catch {
    return fail(FILE_RULES.unreadable);
  }
  return { problems: [], file: { given: file, path, name, size, sha256 } };
}

/** SHA-256 and size of a file, read in chunks (memory bounded whatever the size), not following a link. */
function hashFile(path: string): { sha256: string; size: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const hash = createHash("sha256");
    const buffer = Buffer.allocUnsafe(Math.min(HASH_CHUNK_BYTES, Math.max(1, fstatSync(fd).size)));
    let size = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      size += read;
    }
    return { sha256: hash.digest("hex"), size };
  } finally {
    closeSync(fd);
  }
}

/** Construct id of the asset of a staged file on its stack (its folder `assets/<id>/<sha256>/`). */
function assetId(name: string, sha256: string, clash: boolean): string {
  return clash ? `DliPackagesFile-${name}-${sha256.slice(0, 12)}` : `DliPackagesFile-${name}`;
}

/**
 * The longest source path {@link stageLocalFile} may give a file (cdktf drops characters from
 * the id in the folder name, never adds): what the spec's size rule counts before the assets exist.
 */
export function longestSourcePath(file: LocalFile): string {
  return `assets/${assetId(file.name, file.sha256, true)}/${file.sha256}/${file.name}`;
}

/**
 * The staged-file entry of the spec for a checked local file: its asset on the stack (one per
 * name and content: groups of a stack that stage the same file share it) and its object URL.
 */
export function stageLocalFile(scope: Construct, file: LocalFile, staging: string): StagedFile {
  const stack = TerraformStack.of(scope);
  let asset = stack.node.tryFindChild(assetId(file.name, file.sha256, false)) as TerraformAsset | undefined;
  if (asset !== undefined && asset.assetHash !== file.sha256) {
    // The name is taken by other content in this stack (two groups with different builds of one
    // file name): a folder of its own, so neither asset's clean-up removes the other.
    asset = stack.node.tryFindChild(assetId(file.name, file.sha256, true)) as TerraformAsset | undefined;
    asset ??= newAsset(stack, file, true);
  }
  asset ??= newAsset(stack, file, false);
  return { source: asset.path, objectUrl: stagedObjectUrl(staging, file.sha256, file.name), size: file.size, sha256: file.sha256 };
}

function newAsset(stack: TerraformStack, file: LocalFile, clash: boolean): TerraformAsset {
  // The hash is the content's SHA-256 we computed (cdktf would hash it again otherwise).
  return new TerraformAsset(stack, assetId(file.name, file.sha256, clash), { path: file.path, type: AssetType.FILE, assetHash: file.sha256 });
}
