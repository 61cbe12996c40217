/**
 * What `staging gc` would remove under a staging prefix, decided from listings alone (pure, so
 * every rule is tested without a network):
 * - an object is an orphan when its key is content-addressed (`<prefix><sha256>/<name>`), no
 *   scanned stack declares it, and it is older than the guard;
 * - a multipart upload is stale when its key is content-addressed and it was initiated before
 *   the guard (an apply in progress is younger; an interrupted one the next apply resumes
 *   within the guard, or it is abandoned and bills until aborted);
 * - any other key (not of the content-addressed form) is never touched, only counted.
 */
import { stagedKeyParts } from "../../contract/staging";
import { ListedObject, ListedUpload } from "./obs-client";

export interface StagingInventory {
  readonly orphans: readonly ListedObject[];
  readonly staleUploads: readonly ListedUpload[];
  /** Content-addressed objects a scanned stack declares. */
  readonly declared: number;
  /** Undeclared content-addressed objects newer than the guard (kept). */
  readonly recent: number;
  /** Objects and uploads whose key is not `<prefix><sha256>/<name>` (never touched). */
  readonly foreign: number;
  /** Content-addressed uploads newer than the guard (kept: an apply may be sending them). */
  readonly activeUploads: number;
}

export interface InventoryInput {
  /** Key prefix of the staging URL (decoded), ending in '/'. */
  readonly keyPrefix: string;
  readonly objects: readonly ListedObject[];
  readonly uploads: readonly ListedUpload[];
  /** Keys the scanned stacks declare in this bucket. */
  readonly declaredKeys: ReadonlySet<string>;
  /** Objects modified and uploads initiated at or after this instant (ms) are kept. */
  readonly keepAfterMs: number;
}

export function stagingInventory(input: InventoryInput): StagingInventory {
  const orphans: ListedObject[] = [];
  const staleUploads: ListedUpload[] = [];
  let declared = 0;
  let recent = 0;
  let foreign = 0;
  let activeUploads = 0;
  for (const object of input.objects) {
    if (!stagedKeyParts(object.key, input.keyPrefix)) foreign++;
    else if (input.declaredKeys.has(object.key)) declared++;
    // An unreadable LastModified counts as recent: never delete on a date we could not read.
    else if (!(object.lastModified < input.keepAfterMs)) recent++;
    else orphans.push(object);
  }
  for (const upload of input.uploads) {
    if (!stagedKeyParts(upload.key, input.keyPrefix)) foreign++;
    else if (!(upload.initiated < input.keepAfterMs)) activeUploads++;
    else staleUploads.push(upload);
  }
  return { orphans, staleUploads, declared, recent, foreign, activeUploads };
}

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--older-than`: a whole number and a unit, `90s`, `30m`, `24h`, `7d`; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^([0-9]{1,6})([smhd])$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2]];
  return ms <= 3650 * UNITS.d ? ms : undefined;
}
