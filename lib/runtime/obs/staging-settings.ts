/**
 * How staged files are sent (docs/cli.md "Local files"): one PUT up to a threshold, a multipart
 * upload above it, with a part size and a number of parts in flight.
 *
 * Why 64 MiB: a single PUT has no per-part overhead (multipart costs three more calls: list,
 * initiate, complete) but a fault costs the whole object again; at 64 MiB a retried PUT repeats
 * at most ~1 s of a 100 MB/s link, and the jars and Python files of most groups are well below
 * it, so they go up in one call. Parts of 16 MiB, 4 at a time: 64 MiB in flight at most per
 * file (streamed from disk, never buffered), enough parallel streams to fill a link whose
 * single TCP stream is window-bound, and a retried part repeats at most 16 MiB.
 */
import { RUNTIME_ENV } from "../../contract/spec";
import { wholeNumberSetting } from "../whole-number-setting";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** OBS API "Uploading a Part": parts of 100 KB to 5 GB (the last may be smaller), at most 10,000. */
export const MIN_PART_BYTES = 100 * 1024;
export const MAX_PART_BYTES = 5 * GiB;
export const MAX_PARTS = 10_000;
/** OBS API "Uploading an Object (PUT)": at most 5 GB in one PUT. */
export const MAX_SINGLE_PUT_BYTES = 5 * GiB;

export interface StagingSettings {
  /** Files larger than this are sent as multipart uploads. */
  readonly multipartThresholdBytes: number;
  /** Part size (grown per file when 10,000 parts would not hold it). */
  readonly partBytes: number;
  /** Parts of one file in flight at once. */
  readonly partConcurrency: number;
}

export const DEFAULT_STAGING_SETTINGS: StagingSettings = { multipartThresholdBytes: 64 * MiB, partBytes: 16 * MiB, partConcurrency: 4 };

const RANGES: Readonly<Record<keyof StagingSettings, { readonly variable: string; readonly min: number; readonly max: number }>> = {
  multipartThresholdBytes: { variable: RUNTIME_ENV.multipartThresholdBytes[0], min: MIN_PART_BYTES, max: MAX_SINGLE_PUT_BYTES },
  partBytes: { variable: RUNTIME_ENV.partBytes[0], min: MIN_PART_BYTES, max: MAX_PART_BYTES },
  partConcurrency: { variable: RUNTIME_ENV.partConcurrency[0], min: 1, max: 32 },
};

/** The settings from the environment, each checked (a bad one is a ConfigError before any request). */
export function stagingSettingsFromEnvironment(env: NodeJS.ProcessEnv): StagingSettings {
  const read = (field: keyof StagingSettings) => wholeNumberSetting(env, RANGES[field], DEFAULT_STAGING_SETTINGS[field]);
  return { multipartThresholdBytes: read("multipartThresholdBytes"), partBytes: read("partBytes"), partConcurrency: read("partConcurrency") };
}

/** The part size for a file: the setting, or the smallest whole MiB that fits the file in 10,000 parts. */
export function partBytesFor(size: number, settings: StagingSettings): number {
  if (size <= settings.partBytes * MAX_PARTS) return settings.partBytes;
  return Math.ceil(size / MAX_PARTS / MiB) * MiB;
}
