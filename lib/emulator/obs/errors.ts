/**
 * OBS errors: one named constructor per code dli-local answers, and the one renderer of their
 * bodies. OBS API reference obs_04_0115 "Error Codes": an error answers `Content-Type:
 * application/xml`, a 3xx/4xx/5xx status and
 * `<Error><Code/><Message/><Resource/><RequestId/><HostId/></Error>` (the documented example's
 * elements, in its order); Table 2 gives each code's status and meaning, quoted in the messages.
 */
import { xmlDocument } from "./xml";

export class ObsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ObsError";
  }
}

const error = (status: number, code: string, message: string, headers?: Record<string, string>) => new ObsError(status, code, message, headers);

export const obsErrors = {
  accessDenied: (detail: string) => error(403, "AccessDenied", `Access Denied (${detail})`),
  invalidAccessKeyId: () => error(403, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records."),
  signatureDoesNotMatch: () =>
    error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."),
  requestTimeTooSkewed: () => error(403, "RequestTimeTooSkewed", "The difference between the request time and the server's time is too large."),
  noSuchBucket: () => error(404, "NoSuchBucket", "The specified bucket does not exist"),
  noSuchKey: () => error(404, "NoSuchKey", "The specified key does not exist."),
  noSuchUpload: () =>
    error(404, "NoSuchUpload", "The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed."),
  badDigest: () => error(400, "BadDigest", "The Content-MD5 you specified did not match what we received."),
  invalidDigest: () => error(400, "InvalidDigest", "The Content-MD5 you specified is not valid."),
  invalidArgument: (detail: string) => error(400, "InvalidArgument", `Invalid Argument: ${detail}`),
  invalidPart: () =>
    error(400, "InvalidPart", "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag."),
  invalidPartOrder: () => error(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number."),
  entityTooSmall: () => error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size."),
  entityTooLarge: () => error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size."),
  keyTooLong: () => error(400, "KeyTooLongError", "Your key is too long."),
  malformedXml: () => error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema."),
  missingContentLength: () => error(411, "MissingContentLength", "You must provide the Content-Length HTTP header."),
  methodNotAllowed: () => error(405, "MethodNotAllowed", "The specified method is not allowed against this resource."),
  notImplemented: (what: string) => error(501, "NotImplemented", `A header you provided implies functionality that is not implemented (dli-local does not emulate ${what}).`),
  slowDown: () => error(503, "SlowDown", "Please reduce your request rate."),
  serviceUnavailable: (detail: string) => error(503, "ServiceUnavailable", `Service is unable to handle request (${detail}).`),
  internalError: (detail: string) => error(500, "InternalError", `We encountered an internal error. Please try again. (${detail})`),
  /** Not in obs_04_0115's table: an injected 429 (fault injection) wears the generic HTTP name. */
  tooManyRequests: (detail: string) => error(429, "TooManyRequests", `Too many requests (${detail}).`),
};

/** The XML body of an error; `resource` is `/bucket/key` as requested. */
export function renderObsError(failure: ObsError, resource: string, requestId: string, hostId: string): string {
  return xmlDocument(
    [
      "Error",
      [
        ["Code", failure.code],
        ["Message", failure.message],
        ["Resource", resource],
        ["RequestId", requestId],
        ["HostId", hostId],
      ],
    ],
    false,
  );
}
