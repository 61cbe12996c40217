/**
 * Every error the emulator can answer, one named constructor per DLI / API-gateway / IAM code,
 * and the single renderer that turns them into response bodies (s3rver's "one error class per
 * service code, one central renderer").
 *
 * Body shapes (dli-api.md §2, §4.3):
 * - DLI:     `{"error_code":"DLI.0001","error_msg":"…"}`
 * - gateway: `{"error_code":"APIGW.0301","error_msg":"…","request_id":"…"}`
 * - IAM:     `{"error":{"code":401,"title":"Unauthorized","message":"…"}}` (Keystone shape)
 */

export type ErrorSource = "dli" | "gateway" | "iam";

export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly source: ErrorSource,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "EmulatorError";
  }
}

const dli = (status: number, code: string, message: string) => new EmulatorError(status, code, message, "dli");
const gateway = (status: number, code: string, message: string, headers?: Record<string, string>) =>
  new EmulatorError(status, code, message, "gateway", headers);

const IAM_TITLES: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 404: "Not Found" };
const iam = (status: number, message: string) => new EmulatorError(status, String(status), message, "iam");

/** DLI service errors (dli-api.md §2). */
export const dliErrors = {
  /** 400 DLI.0001: parameter check error. */
  parameter: (message: string) => dli(400, "DLI.0001", message),
  /** 400 DLI.0002: object does not exist (§1.6: "No such user. userName:…"). */
  noSuchObject: (message: string) => dli(400, "DLI.0002", message),
  /** 400 DLI.0011: file permission check failed (a missing OBS object, when configured to reject). */
  filePermission: (message: string) => dli(400, "DLI.0011", message),
  /** 404 DLI.0023: no related resources found (§1.5: delete of an absent package is 404). */
  notFound: (message: string) => dli(404, "DLI.0023", message),
  /** 500 DLI.0999: server-side error (used for injected 500/503 faults). */
  serverError: (status: 500 | 503, message: string) => dli(status, "DLI.0999", message),
};

/** API-gateway errors in front of DLI and IAM (dli-api.md §4.3). */
export const gatewayErrors = {
  /** 404 APIGW.0101: no API behind this method + path. */
  apiNotFound: (method: string, path: string) =>
    gateway(404, "APIGW.0101", `The API does not exist or has not been published in the environment: ${method} ${path}`),
  /** 400 APIGW.0201: the request could not be read. */
  badRequest: (message: string) => gateway(400, "APIGW.0201", `Request error: ${message}`),
  /** 413 APIGW.0201: body over 12 MB (§4.1 step 8). */
  bodyTooLarge: (limit: number, closeConnection: boolean) =>
    gateway(413, "APIGW.0201", `Request body too large: the limit is ${limit} bytes (12 MB)`, closeConnection ? { Connection: "close" } : undefined),
  /** 414 APIGW.0201: request URI too long. */
  uriTooLong: (limit: number) => gateway(414, "APIGW.0201", `Request URI too large: the limit is ${limit} characters`),
  /** 494 APIGW.0201: request headers too large. */
  headersTooLarge: () => gateway(494, "APIGW.0201", "Request header too large"),
  /** 401 APIGW.0301: missing, malformed or wrong AK/SK signature or token. */
  authentication: (detail: string) => gateway(401, "APIGW.0301", `Incorrect IAM authentication information: ${detail}`),
  /** 401 APIGW.0307: the X-Auth-Token (or temporary credential) has expired. */
  tokenExpired: (detail: string) => gateway(401, "APIGW.0307", `The token must be updated: ${detail}`),
  /** 429 APIGW.0308: throttling threshold reached (default 200 requests/s per API). */
  throttled: (api: string, limit: number, retryAfterSeconds?: number) =>
    gateway(
      429,
      "APIGW.0308",
      `The throttling threshold has been reached: policy api over ratelimit,limit:${limit},time:1 second (${api})`,
      retryAfterSeconds === undefined ? undefined : { "Retry-After": String(retryAfterSeconds) },
    ),
  /** 403 APIGW.0310: the project in the path does not belong to the caller. */
  projectUnavailable: (projectId: string, detail: string) =>
    gateway(403, "APIGW.0310", `The project is unavailable: ${projectId} (${detail})`),
  /** 500 APIGW.0601: internal gateway error. */
  internal: (message: string) => gateway(500, "APIGW.0601", `Internal server error: ${message}`),
  /** 403 APIGW.0306: control routes are served to loopback clients only. */
  accessDenied: (message: string) => gateway(403, "APIGW.0306", `API access denied: ${message}`),
};

/** IAM errors (Keystone-shaped bodies). */
export const iamErrors = {
  badRequest: (message: string) => iam(400, message),
  wrongPassword: () => iam(401, "The username or password is wrong."),
  notFound: (message: string) => iam(404, message),
};

/** The response body for an error; the request id goes in gateway bodies (and every header). */
export function renderError(error: EmulatorError, requestId: string): string {
  switch (error.source) {
    case "dli":
      return JSON.stringify({ error_code: error.code, error_msg: error.message });
    case "gateway":
      return JSON.stringify({ error_code: error.code, error_msg: error.message, request_id: requestId });
    case "iam":
      return JSON.stringify({ error: { code: error.status, title: IAM_TITLES[error.status] ?? "Error", message: error.message } });
  }
}
