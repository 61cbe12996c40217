/**
 * HTTP for every runtime call: one keep-alive undici Agent per process, composed as
 *   retry interceptor → pacing interceptor → signing interceptor → Agent
 * so undici's RetryHandler re-dispatches through the pacer and the signer: every attempt,
 * first or retry, waits for the process's pacing slot (pacer.ts: the requests of one process
 * slow down together when throttled) and then carries a fresh X-Sdk-Date and signature (APIG
 * rejects dates >15 min off, dli-api.md §4.1 step 1; a long wait must not reuse a stale one).
 * The retry decision and delays are our own `retry` function (retry-policy.ts): undici's
 * default has no jitter, no total-time bound, and spends its attempt budget on 429s.
 */
import type { Dispatcher } from "undici";
import Agent from "undici/lib/dispatcher/agent";
import retryInterceptor from "undici/lib/interceptor/retry";
import { Credentials } from "./credentials";
import { ApiError, ResponseShapeError, TransportError } from "./errors";
import { DEFAULT_PACER_SETTINGS, Pacer } from "./pacer";
import { decideRetry, RETRY_ERROR_CODES, RETRY_STATUSES, retryAfterMs, RetryBounds } from "./retry-policy";
import { buildQuery } from "./signer";

export interface HttpRequest {
  readonly method: "GET" | "POST" | "DELETE" | "PUT";
  /** Path below the endpoint, already percent-encoded per segment. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as `X-Project-Id` (DLI calls). */
  readonly projectId?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  readonly requestId?: string;
  readonly attempts: number;
}

export interface Transport {
  /** Send with retries; resolves with any final answer (the caller decides what is an error). */
  send(endpoint: URL, request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** Called before each retry, for the progress log (never sees headers). */
export type RetryListener = (event: {
  method: string;
  path: string;
  /** The attempt about to be made, counted against the budget (429s are not counted). */
  attempt: number;
  delayMs: number;
  cause: string;
  /** A 429: waited out by pacing, not counted against the attempt budget. */
  throttled: boolean;
  /** The process's spacing between requests after this answer, ms (0 = unpaced). */
  pacingMs: number;
}) => void;

const USER_AGENT = "cdktf-dli-packages-runtime/0.1";

/** Seams for tests that pin exact retry sequences (undici MockAgent, a stepping clock). */
export interface TransportSeams {
  /** @default one keep-alive Agent with the bounds' timeouts */
  readonly dispatcher?: Dispatcher;
  /** Clock for X-Sdk-Date. @default new Date() */
  readonly clock?: () => Date;
  /** Jitter source. @default Math.random */
  readonly random?: () => number;
  /** The process's pacer. @default one Pacer per transport, spacing capped at bounds.maxDelayMs */
  readonly pacer?: Pacer;
}

export function createTransport(credentials: Credentials, bounds: RetryBounds, onRetry?: RetryListener, seams: TransportSeams = {}): Transport {
  const agent =
    seams.dispatcher ??
    new Agent({
      keepAliveTimeout: 10_000,
      connect: { timeout: bounds.requestTimeoutMs },
      headersTimeout: bounds.requestTimeoutMs,
      bodyTimeout: bounds.requestTimeoutMs,
    });
  const clock = seams.clock ?? (() => new Date());

  // Runs once per attempt (the retry interceptor sits outside it): sign what is about to go out.
  const signing = (dispatch: Dispatcher["dispatch"]): Dispatcher["dispatch"] =>
    function sign(opts, handler) {
      const [path, query = ""] = String(opts.path).split("?", 2);
      const headers = credentials.authorize({
        method: opts.method,
        path,
        query,
        headers: (opts.headers ?? {}) as Record<string, string>,
        body: typeof opts.body === "string" ? opts.body : undefined,
        projectId: (opts as { projectId?: string }).projectId,
      }, clock());
      return dispatch({ ...opts, headers }, handler);
    };
  const pacer =
    seams.pacer ??
    new Pacer({ ...DEFAULT_PACER_SETTINGS, firstIntervalMs: Math.min(DEFAULT_PACER_SETTINGS.firstIntervalMs, bounds.maxDelayMs), maxIntervalMs: bounds.maxDelayMs }, Date.now, seams.random);

  // Runs once per attempt, outside the signer: hold the attempt until the process's next slot.
  // Deferred dispatch as undici's own dns interceptor does it (errors go to onResponseError).
  const pacing = (dispatch: Dispatcher["dispatch"]): Dispatcher["dispatch"] =>
    function paced(opts, handler) {
      const waitMs = pacer.reserve();
      if (waitMs <= 0) return dispatch(opts, handler);
      setTimeout(() => {
        try {
          dispatch(opts, handler);
        } catch (error) {
          (handler as Dispatcher.DispatchHandler).onResponseError?.(null as never, error as Error);
        }
      }, waitMs);
      return true;
    };
  const dispatcher = agent.compose(signing, pacing, retryInterceptor({}));

  return {
    async send(endpoint, request) {
      const base = endpoint.pathname.replace(/\/+$/, "");
      const query = request.query ? buildQuery(request.query) : "";
      const path = base + request.path + (query ? `?${query}` : "");
      const body = request.json === undefined ? undefined : JSON.stringify(request.json);
      const started = Date.now();
      let retries = 0;
      let faultRetries = 0;
      // Per-request retry options: our decision function, every method allowed (POST included:
      // a same-name group upload replaces the group (dli-api.md §1.1, §5), and under merge
      // semantics re-sending the same paths yields the same packages; converge() then removes
      // anything extra. DELETE is safe: a repeated one answers 404, which means "already deleted").
      const retryOptions = {
        throwOnError: false,
        methods: ["GET", "POST", "DELETE", "PUT"],
        statusCodes: [...RETRY_STATUSES],
        errorCodes: [...RETRY_ERROR_CODES],
        retry(err: Error & { statusCode?: number; code?: string; headers?: Record<string, string | string[]> }, _context: unknown, callback: (err?: Error | null) => void) {
          const status = err.code === "UND_ERR_REQ_RETRY" || err.statusCode !== undefined ? err.statusCode : undefined;
          const throttled = status === 429;
          // Throttling slows the whole process (Retry-After, when sent, pauses it that long).
          if (throttled) pacer.throttled(retryAfterMs(err.headers?.["retry-after"]));
          else pacer.answered();
          const decision = decideRetry(
            {
              status,
              code: status === undefined ? err.code : undefined,
              retryAfter: err.headers?.["retry-after"],
              attempts: faultRetries + 1,
              throttleDelayMs: throttled ? pacer.pendingDelay() : undefined,
              elapsedMs: Date.now() - started,
            },
            bounds,
            seams.random,
          );
          if (!decision.retry) return callback(err);
          retries++;
          if (!throttled) faultRetries++;
          onRetry?.({
            method: request.method,
            path: path.split("?")[0],
            attempt: faultRetries + 1,
            delayMs: decision.delayMs,
            cause: status !== undefined ? `HTTP ${status}` : (err.code ?? err.message),
            throttled,
            pacingMs: pacer.intervalMs,
          });
          // A 429's wait is the pacer's: the re-dispatch waits for the process's next slot.
          // A zero delay (full jitter can draw 0) answers synchronously: no timer needed, and
          // MockAgent, which does not honour pause(), then sees the retry decision in time.
          if (throttled || decision.delayMs === 0) callback(null);
          else setTimeout(() => callback(null), decision.delayMs);
        },
      };
      const headers: Record<string, string> = { host: endpoint.host, "user-agent": USER_AGENT, "content-type": "application/json" };
      try {
        const response = await dispatchOnce(dispatcher, {
          origin: endpoint.origin,
          path,
          method: request.method,
          headers,
          body,
          projectId: request.projectId,
          retryOptions,
        } as Dispatcher.DispatchOptions);
        // (a final 429 was already counted by the retry decision that gave up on it)
        if (response.status !== 429) pacer.answered();
        const requestId = headerValue(response.headers["x-request-id"]) ?? headerValue(response.headers["x-iam-trace-id"]);
        return { ...response, requestId, attempts: retries + 1 };
      } catch (error) {
        const e = error as Error & { code?: string };
        throw new TransportError(request.method, path.split("?")[0], e.code, e.message, retries + 1);
      }
    },
    // destroy, not close: close() waits for idle keep-alive sockets to wind down (~250 ms on
    // loopback), which is most of a short command's wall time; nothing is in flight here.
    close: () => (seams.dispatcher ? seams.dispatcher.close() : agent.destroy()),
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Collect one answer through the new-style undici handler API (no `undici.request`: see undici-modules.d.ts). */
function dispatchOnce(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    dispatcher.dispatch(options, {
      onRequestStart() {},
      onResponseStart(_controller, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders as Record<string, string | string[] | undefined>;
        chunks.length = 0;
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        resolve({ status, headers, text: Buffer.concat(chunks).toString("utf8") });
      },
      onResponseError(_controller, error) {
        reject(error);
      },
    } as Dispatcher.DispatchHandler);
  });
}

/** The error body shapes seen in the reference (dli-api.md §2, §4.3) plus Keystone's. */
export function errorFromResponse(method: string, path: string, response: HttpResponse): ApiError {
  let code: string | undefined;
  let message: string | undefined;
  let bodyRequestId: string | undefined;
  try {
    const body = JSON.parse(response.text) as Record<string, any>;
    if (body && typeof body === "object") {
      code = str(body.error_code) ?? str(body.code) ?? str(body.error?.code);
      message = str(body.error_msg) ?? str(body.message) ?? str(body.error?.message) ?? str(body.error?.title);
      bodyRequestId = str(body.request_id);
    }
  } catch {
    message = response.text ? response.text.slice(0, 200) : undefined;
  }
  return new ApiError({ method, path, status: response.status, code, message, requestId: response.requestId ?? bodyRequestId, attempts: response.attempts });
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;
}

/** Parse a success body as a JSON object, or throw a one-line shape error. */
export function jsonObject(method: string, path: string, response: HttpResponse): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    throw new ResponseShapeError(method, path, `HTTP ${response.status} with a body that is not JSON (${JSON.stringify(response.text.slice(0, 80))})`, response.requestId);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ResponseShapeError(method, path, `HTTP ${response.status} with a JSON ${Array.isArray(body) ? "array" : typeof body}, expected an object`, response.requestId);
  }
  return body as Record<string, unknown>;
}
