/**
 * SDK-HMAC-SHA256 verification (dli-api.md §4.1), built from lib/runtime/signer's own
 * canonical-request functions (never a copy), using the client's SignedHeaders list: clients
 * differ in what they sign (Go: no content-type/host; Node and Python: host, content-type).
 */
import { timingSafeEqual } from "node:crypto";
import {
  canonicalRequest,
  DATE_HEADER,
  HeaderMap,
  headerValue,
  parseAuthorizationHeader,
  parseSdkDate,
  signature,
  stringToSign,
} from "../runtime/signer";

export interface VerifiableRequest {
  readonly method: string;
  /** Path as sent on the wire (percent-encoded). */
  readonly path: string;
  /** Raw query string without `?`. */
  readonly query: string;
  readonly headers: HeaderMap;
  readonly body: Uint8Array | string;
}

export type VerifyResult =
  | { readonly ok: true; readonly accessKey: string; readonly signedHeaders: readonly string[] }
  | { readonly ok: false; readonly reason: string };

export interface VerifyOptions {
  /** The secret key for an access key, or undefined when the AK is unknown. */
  readonly secretFor: (accessKey: string) => string | undefined;
  /** Server time, epoch ms. */
  readonly now: number;
  /** Largest accepted |server time − X-Sdk-Date|. */
  readonly maxClockSkewMs: number;
}

const SIGNED_HEADERS_SYNTAX = /^[a-z0-9!#$%&'*+.^_`|~-]+(;[a-z0-9!#$%&'*+.^_`|~-]+)*$/;

/** Check one request's Authorization header; reasons read like APIG's own messages. */
export function verifySignature(request: VerifiableRequest, options: VerifyOptions): VerifyResult {
  const authorization = headerValue(request.headers, "authorization");
  if (authorization === undefined) return { ok: false, reason: "neither Authorization (AK/SK signature) nor X-Auth-Token was sent" };
  const parsed = parseAuthorizationHeader(authorization);
  if (!parsed) return { ok: false, reason: "Authorization is not `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`" };
  if (!SIGNED_HEADERS_SYNTAX.test(parsed.signedHeaders)) {
    return { ok: false, reason: `SignedHeaders ${JSON.stringify(parsed.signedHeaders)} is not a ;-separated list of lower-case header names` };
  }
  const signedHeaders = parsed.signedHeaders.split(";");
  if (!signedHeaders.includes(DATE_HEADER)) return { ok: false, reason: "x-sdk-date must be among SignedHeaders" };
  const sdkDate = headerValue(request.headers, DATE_HEADER);
  if (sdkDate === undefined) return { ok: false, reason: "the X-Sdk-Date header is missing" };
  const date = parseSdkDate(sdkDate.trim());
  if (!date) return { ok: false, reason: `X-Sdk-Date ${JSON.stringify(sdkDate)} is not YYYYMMDDTHHMMSSZ` };
  const skew = Math.abs(options.now - date.getTime());
  if (skew > options.maxClockSkewMs) {
    return { ok: false, reason: `X-Sdk-Date ${sdkDate} is ${Math.round(skew / 1000)} s from server time (limit ${options.maxClockSkewMs / 1000} s)` };
  }
  const secretKey = options.secretFor(parsed.accessKey);
  if (secretKey === undefined) return { ok: false, reason: `Get secretKey failed,ak:${parsed.accessKey},err:ak not exist` };
  const canonical = canonicalRequest(request, parsed.signedHeaders);
  if ("missing" in canonical) return { ok: false, reason: `signed header ${canonical.missing} is not in the request` };
  const expected = signature(secretKey, stringToSign(sdkDate.trim(), canonical.text));
  if (!sameHex(expected, parsed.signature)) return { ok: false, reason: "verify aksk signature fail" };
  return { ok: true, accessKey: parsed.accessKey, signedHeaders };
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
