/**
 * Which OBS bucket and key a request names, in either addressing style OBS serves
 * (obs_04_0010 / obs_04_0022 request syntax): virtual-hosted (`Host: {bucket}.obs.{…}`, path =
 * `/{key}`) or path-style (`/{bucket}/{key}`, what HW_OBS_ENDPOINT on loopback means). Paths
 * under the DLI, IAM and control prefixes are never OBS.
 */
import { IncomingMessage } from "node:http";

/** First path segments that belong to DLI (`/v1.0`, `/v2.0`), IAM (`/v3`) and the control routes. */
const RESERVED_SEGMENTS = new Set(["v1.0", "v2.0", "v3", "__emulator"]);

export interface ObsTarget {
  readonly bucket: string;
  /** Object key, percent-decoded; "" for a bucket-level call. */
  readonly key: string;
  readonly style: "virtual-hosted" | "path";
  /** Query parameters, decoded; a parameter without `=` has the value undefined. */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The Host header as sent (for Location). */
  readonly host: string;
}

/**
 * The OBS target of a request, or undefined when it is not an OBS request: a path-style request
 * is OBS when its first segment is an emulated bucket or it carries an OBS signature (so that a
 * bucket dli-local does not emulate answers NoSuchBucket, and other unknown paths keep APIG's
 * 404 APIGW.0101).
 */
export function obsTarget(req: IncomingMessage, path: string, rawQuery: string, isEmulatedBucket: (bucket: string) => boolean): ObsTarget | undefined {
  const host = req.headers.host ?? "";
  const query = parseQuery(rawQuery);
  const virtual = /^(.+?)\.obs\./.exec(host.replace(/:\d+$/, ""));
  if (virtual) return { bucket: virtual[1], key: decode(path.slice(1)), style: "virtual-hosted", query, host };
  const segments = path.split("/");
  const bucket = decode(segments[1] ?? "");
  if (bucket === "" || RESERVED_SEGMENTS.has(bucket)) return undefined;
  if (!isEmulatedBucket(bucket) && !/^OBS /.test(req.headers.authorization ?? "")) return undefined;
  return { bucket, key: decode(segments.slice(2).join("/")), style: "path", query, host };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseQuery(rawQuery: string): Record<string, string | undefined> {
  const query: Record<string, string | undefined> = {};
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    query[decode(eq < 0 ? part : part.slice(0, eq))] = eq < 0 ? undefined : decode(part.slice(eq + 1));
  }
  return query;
}

/** Whether the query has a parameter (with or without a value). */
export function hasParam(target: ObsTarget, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(target.query, name);
}

/** `x-obs-meta-*` headers of a request, names in lower case; a header sent twice is one value joined with ',' (as signed). */
export function metadataOf(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (name.startsWith("x-obs-meta-") && values !== undefined) metadata[name] = values.join(",");
  }
  return metadata;
}
