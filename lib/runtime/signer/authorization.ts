import { ALGORITHM } from "./constants";

/** `SDK-HMAC-SHA256 Access={AK}, SignedHeaders={h1;h2}, Signature={sig}` (step 5). */
export function authorizationHeader(accessKey: string, signedHeaders: string, signatureHex: string): string {
  return `${ALGORITHM} Access=${accessKey}, SignedHeaders=${signedHeaders}, Signature=${signatureHex}`;
}

export interface ParsedAuthorization {
  readonly accessKey: string;
  readonly signedHeaders: string;
  readonly signature: string;
}

/** Parse an Authorization header; undefined when it is not an SDK-HMAC-SHA256 one. */
export function parseAuthorizationHeader(value: string | undefined): ParsedAuthorization | undefined {
  if (!value || !value.startsWith(`${ALGORITHM} `)) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.slice(ALGORITHM.length + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKey = fields.get("Access");
  const signedHeaders = fields.get("SignedHeaders");
  const sig = fields.get("Signature");
  if (!accessKey || !signedHeaders || !sig) return undefined;
  return { accessKey, signedHeaders, signature: sig };
}
