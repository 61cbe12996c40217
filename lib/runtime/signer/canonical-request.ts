import { ALGORITHM } from "./constants";
import { canonicalHeaders, HeaderMap } from "./canonical-headers";
import { canonicalQuery } from "./canonical-query";
import { canonicalUri } from "./canonical-uri";
import { payloadHash, sha256Hex } from "./payload-hash";
import { createHmac } from "node:crypto";

/** A request as seen on the wire, enough to sign or verify it. */
export interface SignableRequest {
  readonly method: string;
  /** Percent-encoded path, e.g. `/v2.0/abc/resources/my%20pkg.jar`. */
  readonly path: string;
  /** Raw query string without `?`, or empty. */
  readonly query: string;
  readonly headers: HeaderMap;
  readonly body?: string | Uint8Array;
}

/**
 * CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
 * SignedHeaders \n HexSHA256(payload)  (dli-api.md §4.1 step 2).
 */
export function canonicalRequest(request: SignableRequest, signedHeaders: string): { text: string } | { missing: string } {
  const headers = canonicalHeaders(request.headers, signedHeaders);
  if ("missing" in headers) return headers;
  const text = [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    canonicalQuery(request.query),
    headers.text,
    signedHeaders,
    payloadHash(request.headers, request.body),
  ].join("\n");
  return { text };
}

/** StringToSign = `SDK-HMAC-SHA256\n{X-Sdk-Date}\n{hex(sha256(CanonicalRequest))}` (step 3). */
export function stringToSign(sdkDate: string, canonicalRequestText: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequestText)}`;
}

/** Signature = hex(HMAC-SHA256(SK, StringToSign)); no derived key (step 4). */
export function signature(secretKey: string, toSign: string): string {
  return createHmac("sha256", secretKey).update(toSign).digest("hex");
}
