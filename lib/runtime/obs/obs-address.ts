/**
 * Where an OBS request for a bucket goes (obs-split.md "Endpoint rules"):
 * - no override: the bucket's virtual-hosted origin `https://{bucket}.obs.{region}.{domain}`,
 *   the host of the staged object URL itself;
 * - HW_OBS_ENDPOINT on loopback (dli-local): path-style, `{endpoint}/{bucket}/{key}`;
 * - HW_OBS_ENDPOINT elsewhere (https only: endpoints.ts refuses anything else):
 *   virtual-hosted under its host, `https://{bucket}.{endpoint host}/{key}`.
 * OBS signs `/{bucket}/{key}` in every style (OBS API "Authentication of Signature in a
 * Header", CanonicalizedResource), so the style only changes the URL.
 */
import { isLoopbackHostname } from "../../contract/rules";
import { rfc3986Encode } from "../signer";

export interface ObsBucketAddress {
  readonly bucket: string;
  /** Scheme, host and port requests are sent to. */
  readonly origin: URL;
  /** Path of the bucket's root below the origin: `/{bucket}` path-style, `` virtual-hosted. */
  readonly bucketPath: string;
}

export function obsBucketAddress(bucket: string, region: string, domain: string, override: URL | undefined): ObsBucketAddress {
  if (override && isLoopbackHostname(override.hostname)) {
    return { bucket, origin: new URL(override.origin), bucketPath: `/${rfc3986Encode(bucket)}` };
  }
  const origin = override ? new URL(`${override.protocol}//${bucket}.${override.host}`) : new URL(`https://${bucket}.obs.${region}.${domain}`);
  return { bucket, origin, bucketPath: "" };
}

/** The request path of an object: each key segment percent-encoded, '/' kept. */
export function obsObjectPath(address: ObsBucketAddress, key: string): string {
  return `${address.bucketPath}/${key.split("/").map(rfc3986Encode).join("/")}`;
}

/** The request path of the bucket itself (ListObjects, ListMultipartUploads). */
export function obsBucketPath(address: ObsBucketAddress): string {
  return address.bucketPath === "" ? "/" : address.bucketPath;
}
