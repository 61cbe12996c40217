/**
 * What the DLI side asks of OBS: whether a package's object exists. Only for buckets dli-local
 * emulates; any other URL is taken as it is (undefined), as before OBS was emulated.
 */
import { obsObjectLocation } from "../../contract/staging";
import { ObjectStore } from "./store";

/** `obs://bucket/key` (dli-api.md §6: accepted when acceptObsScheme is on). */
function obsSchemeLocation(url: string): { readonly bucket: string; readonly key: string } | undefined {
  const match = /^obs:\/\/([^/]+)\/(.+)$/.exec(url);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

/** true / false for a package URL in an emulated bucket; undefined when its bucket is not emulated. */
export function packageObjectExists(url: string, store: ObjectStore): boolean | undefined {
  const location = obsObjectLocation(url) ?? obsSchemeLocation(url);
  if (!location || !store.hasBucket(location.bucket)) return undefined;
  return store.get(location.bucket, location.key) !== undefined;
}
