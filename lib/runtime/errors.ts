/**
 * The runtime's error types. Every one prints as one line (the CLI adds the `dli-packages:`
 * prefix) and carries the exit code it maps to (contract EXIT_CODES). No error text ever
 * contains a credential: messages are built from names, statuses and service answers only.
 */
import { EXIT_CODES } from "../contract/spec";

/** A usage or configuration problem the user fixes before re-running: exit 2. */
export class ConfigError extends Error {
  readonly exitCode = EXIT_CODES.usageOrConfig;
  override name = "ConfigError";
  /**
   * @param usage our own help text, printed after the error line as is (the message itself is
   * always printed as one bounded line, whatever it holds).
   */
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** The operation ran and failed (packages FAILED, timeout, …): exit 1. */
export class OperationError extends Error {
  readonly exitCode = EXIT_CODES.operationFailed;
  override name = "OperationError";
}

/** What the service answered with a non-success status (dli-api.md §2, §4.3). */
export interface ApiErrorDetails {
  readonly method: string;
  /** Path without query (no secret is ever in a path or query we build). */
  readonly path: string;
  readonly status: number;
  /** `DLI.0023`, `APIGW.0301`, …; absent when the body carried none. */
  readonly code?: string;
  readonly message?: string;
  readonly requestId?: string;
  /** How many attempts were made (retries included). */
  readonly attempts?: number;
  /** What to do next, for a service other than DLI (OBS). @default - the DLI hint for the status */
  readonly hint?: string;
}

/** An HTTP answer that is not a success: exit 1, one line with status, code, message, request id. */
export class ApiError extends OperationError {
  override name = "ApiError";
  constructor(readonly details: ApiErrorDetails) {
    super(apiErrorLine(details));
  }
  get status(): number {
    return this.details.status;
  }
  get code(): string | undefined {
    return this.details.code;
  }
}

export function apiErrorLine(d: ApiErrorDetails): string {
  const parts = [`${d.method} ${d.path} → HTTP ${d.status}`];
  if (d.code) parts.push(d.code);
  if (d.message) parts.push(oneLine(d.message));
  if (d.requestId) parts.push(`X-Request-Id ${d.requestId}`);
  if (d.attempts && d.attempts > 1) parts.push(`after ${d.attempts} attempts`);
  return parts.join(" · ") + hintFor(d);
}

/** What to do next, for the statuses a person can act on. */
function hintFor(d: ApiErrorDetails): string {
  if (d.hint !== undefined) return d.hint === "" ? "" : ` — ${d.hint}`;
  if (d.status === 401) return " — check the credentials (HW_ACCESS_KEY/HW_SECRET_KEY, HW_SECURITY_TOKEN or HW_AUTH_TOKEN) and the machine's clock";
  if (d.status === 403) return " — the credentials lack DLI permissions on this project";
  if (d.status === 429 || d.status >= 500) return " — the service kept failing within the retry bounds (DLI_PACKAGES_MAX_ATTEMPTS, DLI_PACKAGES_RETRY_TOTAL_MS); re-run later";
  return "";
}

/** The request never got an answer (reset, refused, timeout), after all retries. */
export class TransportError extends OperationError {
  override name = "TransportError";
  constructor(method: string, path: string, readonly code: string | undefined, cause: string, attempts: number) {
    super(`${method} ${path} → no answer: ${code ? `${code} ` : ""}${oneLine(cause)}${attempts > 1 ? ` · after ${attempts} attempts` : ""}`);
  }
}

/** The service answered success with a body we cannot use (dli-api.md §1: shapes validated). */
export class ResponseShapeError extends OperationError {
  override name = "ResponseShapeError";
  constructor(method: string, path: string, problem: string, requestId?: string) {
    super(`${method} ${path} → unexpected response: ${problem}${requestId ? ` · X-Request-Id ${requestId}` : ""}`);
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 500);
}

/** Exit code for anything thrown: our errors know theirs; anything else is an operation failure. */
export function exitCodeOf(error: unknown): number {
  const code = (error as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === "number" ? code : EXIT_CODES.operationFailed;
}
