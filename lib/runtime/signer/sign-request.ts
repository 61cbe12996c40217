import { authorizationHeader } from "./authorization";
import { signedHeadersList } from "./canonical-headers";
import { canonicalRequest, signature, SignableRequest, stringToSign } from "./canonical-request";
import { DATE_HEADER, SECURITY_TOKEN_HEADER } from "./constants";
import { formatSdkDate } from "./sdk-date";

/** What the signer needs from the credentials; the caller keeps them redacted elsewhere. */
export interface SigningKey {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly securityToken?: string;
}

/**
 * Sign a request: returns the headers to send (the given ones plus `X-Sdk-Date`,
 * `X-Security-Token` when temporary credentials are used, and `Authorization`).
 * Every given header whose name has no `_` is signed (the Go SDK's rule), plus the date and
 * token; a caller-set `X-Sdk-Date` is reused, as the SDKs do.
 */
export function signRequest(request: SignableRequest, key: SigningKey, now: Date): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : (value as string);
  }
  headers[DATE_HEADER] ??= formatSdkDate(now);
  if (key.securityToken) headers[SECURITY_TOKEN_HEADER] = key.securityToken;
  const signed = signedHeadersList(Object.keys(headers).filter((name) => !name.includes("_")));
  const canonical = canonicalRequest({ ...request, headers }, signed);
  if ("missing" in canonical) throw new Error(`internal: signed header ${canonical.missing} vanished`);
  headers.authorization = authorizationHeader(key.accessKey, signed, signature(key.secretKey, stringToSign(headers[DATE_HEADER], canonical.text)));
  return headers;
}
