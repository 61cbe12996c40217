/**
 * OBS's check of a header signature (obs_04_0010): `Authorization: OBS AK:signature`, the
 * signature recomputed with lib/runtime/signer/obs (the very functions the runtime signs with,
 * never a copy) over the request as received, the credentials dli-local already accepts
 * (temporary ones need `x-obs-security-token`), and the request time within 15 minutes of the
 * server's ("RequestTimeTooSkewed": obs_04_0115).
 */
import { timingSafeEqual } from "node:crypto";
import { OBS_SECURITY_TOKEN_HEADER, obsHeaderValues, ObsSignableRequest, obsSignature, obsStringToSign, parseObsAuthorization } from "../../runtime/signer/obs";
import { Identity } from "../iam/identity";
import { obsErrors } from "./errors";

export interface ObsCaller {
  readonly accessKey: string;
  /** Owner name recorded on uploads (the credential's, else the first IAM user's). */
  readonly owner: string;
}

/** The caller of an OBS request, or the OBS error it is answered with. */
export function authenticateObs(request: ObsSignableRequest, identity: Identity, now: number, maxClockSkewMs: number): ObsCaller {
  const header = obsHeaderValues(request, "authorization")[0];
  if (header === undefined) throw obsErrors.accessDenied("anonymous requests are refused: the emulated buckets are private; sign with Authorization: OBS AK:signature");
  const parsed = parseObsAuthorization(header);
  if (!parsed) throw obsErrors.accessDenied("Authorization is not 'OBS AccessKeyID:signature'");
  const credential = identity.credential(parsed.accessKey);
  if (!credential) throw obsErrors.invalidAccessKeyId();
  const dateText = obsHeaderValues(request, "x-obs-date")[0] ?? obsHeaderValues(request, "date")[0];
  const date = dateText === undefined ? NaN : Date.parse(dateText);
  if (Number.isNaN(date)) throw obsErrors.accessDenied("the request has no valid Date or x-obs-date header");
  if (Math.abs(now - date) > maxClockSkewMs) throw obsErrors.requestTimeTooSkewed();
  const expected = Buffer.from(obsSignature(credential.secretKey, obsStringToSign(request)));
  const given = Buffer.from(parsed.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw obsErrors.signatureDoesNotMatch();
  const token = obsHeaderValues(request, OBS_SECURITY_TOKEN_HEADER)[0];
  if (credential.securityToken === undefined) {
    if (token !== undefined) throw obsErrors.accessDenied(`x-obs-security-token sent with the permanent access key ${credential.accessKey}`);
  } else {
    if (token === undefined) throw obsErrors.accessDenied(`the temporary access key ${credential.accessKey} needs x-obs-security-token`);
    if (token.trim() !== credential.securityToken) throw obsErrors.accessDenied("x-obs-security-token is invalid for this access key");
    if (credential.expiresAt !== undefined && now >= credential.expiresAt) {
      throw obsErrors.accessDenied(`the temporary credential ${credential.accessKey} expired at ${new Date(credential.expiresAt).toISOString()}`);
    }
  }
  return { accessKey: credential.accessKey, owner: credential.owner ?? identity.users[0].name };
}
