import { createHmac } from "node:crypto";
import { ObsSignableRequest } from "./signable-request";
import { obsStringToSign } from "./string-to-sign";

/** The scheme of an OBS-signed Authorization header: `OBS AccessKeyID:signature` (obs_04_0010). */
export const OBS_AUTHORIZATION_SCHEME = "OBS";

/** The header carrying the security token of temporary credentials. */
export const OBS_SECURITY_TOKEN_HEADER = "x-obs-security-token";

/** Signature = Base64(HMAC-SHA1(SK, UTF-8(StringToSign))) (obs_04_0010 steps 2 to 4). */
export function obsSignature(secretKey: string, stringToSign: string): string {
  return createHmac("sha1", secretKey).update(stringToSign, "utf8").digest("base64");
}

/** `OBS AK:signature` for a request (its headers must already hold the token, when any). */
export function obsAuthorization(accessKey: string, secretKey: string, request: ObsSignableRequest): string {
  return `${OBS_AUTHORIZATION_SCHEME} ${accessKey}:${obsSignature(secretKey, obsStringToSign(request))}`;
}

/** Access key and signature of an `OBS AK:signature` header; undefined when it is not one. */
export function parseObsAuthorization(value: string | undefined): { readonly accessKey: string; readonly signature: string } | undefined {
  const match = value === undefined ? null : /^OBS ([^:\s]+):(\S+)$/.exec(value);
  return match ? { accessKey: match[1], signature: match[2] } : undefined;
}
