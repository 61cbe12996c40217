/**
 * HTTP for every runtime call: Node's own `http`/`https` client with one keep-alive Agent per
 * process, and one loop per request:
 *   wait for the process's pacing slot → sign → send → answer, or decide about a retry
 * so every attempt, first or retry, waits for the process's pacing slot (pacer.ts: the requests
 * of one process slow down together when throttled) and carries a fresh X-Sdk-Date and
 * signature (APIG rejects dates >15 min off, dli-api.md §4.1 step 1; a long wait must not reuse
 * a stale one). The retry decision and delays are our own `decideRetry` (retry-policy.ts).
 *
 * Why not undici (which this used until issue 17): a provisioner process sends a handful of
 * requests and exits, so its start-up is its cost. Loading undici's dispatcher graph and
 * compiling its WebAssembly HTTP parser took about as long as Node's own start-up (CPU profile
 * of `upload-group` against the loopback emulator, bench/runtime.bench.mjs); `node:http` is
 * part of Node's snapshot and parses with the built-in llhttp.
 */
import type { Agent as HttpAgent, ClientRequest, IncomingMessage, RequestOptions } from "node:http";
import { Credentials } from "./credentials";
import { ApiError, ResponseShapeError, TransportError } from "./errors";
import { DEFAULT_PACER_SETTINGS, Pacer } from "./pacer";
import { decideRetry, RETRY_STATUSES, retryAfterMs, RetryBounds } from "./retry-policy";
import { buildQuery } from "./signer";

export interface HttpRequest {
  readonly method: "GET" | "POST" | "DELETE" | "PUT" | "HEAD";
  /** Path below the endpoint, already percent-encoded per segment. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /**
   * A query string already encoded, used instead of `query` (OBS sub-resources such as
   * `uploads` carry no value, which `query` cannot say).
   */
  readonly rawQuery?: string;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** A body streamed from its source, opened again for every attempt (OBS objects and parts). */
  readonly body?: RequestBody;
  /** Headers to send besides the transport's own (lower-case names). @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Signs one attempt: gets the headers about to be sent and the attempt's clock, returns the
   * headers to send. @default the transport's credentials (the DLI/IAM signature)
   */
  readonly authorize?: (headers: Record<string, string>, now: Date) => Record<string, string>;
  /** Sent as `X-Project-Id` (DLI calls). */
  readonly projectId?: string;
  /**
   * Told about this request's retries instead of the transport's listener (the parts of a large
   * upload report them as a digest, not a line each). @default the transport's listener
   */
  readonly onRetry?: RetryListener;
}

/** A streamed request body of a known length (sent with Content-Length, never buffered whole). */
export interface RequestBody {
  readonly length: number;
  /** A fresh stream of exactly `length` bytes, for one attempt. */
  open(): NodeJS.ReadableStream & { destroy(error?: Error): void };
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

/** The error code of an attempt that got no answer within the request timeout (retried). */
export const TIMEOUT_CODE = "ETIMEDOUT";

/** Seams for tests that pin exact retry sequences (a stepping clock, no jitter). */
export interface TransportSeams {
  /** Clock for X-Sdk-Date. @default new Date() */
  readonly clock?: () => Date;
  /** Jitter source. @default Math.random */
  readonly random?: () => number;
  /** The process's pacer. @default one Pacer per transport, spacing capped at bounds.maxDelayMs */
  readonly pacer?: Pacer;
}

/** One answer, read whole. */
interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createTransport(credentials: Credentials, bounds: RetryBounds, onRetry?: RetryListener, seams: TransportSeams = {}): Transport {
  const clock = seams.clock ?? (() => new Date());
  const pacer =
    seams.pacer ??
    new Pacer({ ...DEFAULT_PACER_SETTINGS, firstIntervalMs: Math.min(DEFAULT_PACER_SETTINGS.firstIntervalMs, bounds.maxDelayMs), maxIntervalMs: bounds.maxDelayMs }, Date.now, seams.random);
  // One keep-alive Agent per scheme, created on first use (an http-only run never loads TLS).
  // An idle socket is closed after 10 s, or before the server's own Keep-Alive timeout when
  // it sends one (Node's Agent reads the hint).
  const agents = new Map<string, { agent: HttpAgent; request: (options: RequestOptions) => ClientRequest }>();
  const client = (protocol: string) => {
    let entry = agents.get(protocol);
    if (!entry) {
      const module = (protocol === "https:" ? require("node:https") : require("node:http")) as typeof import("node:http");
      const agent = new module.Agent({ keepAlive: true, timeout: 10_000 });
      entry = { agent, request: (options) => module.request(options) };
      agents.set(protocol, entry);
    }
    return entry;
  };

  /** One attempt: resolves with the whole answer, rejects with the socket's error (or a timeout). */
  const attempt = (endpoint: URL, method: string, path: string, headers: Record<string, string>, body: string | RequestBody | undefined): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const source = typeof body === "object" ? body.open() : undefined;
      const { agent, request } = client(endpoint.protocol);
      const req = request({
        agent,
        protocol: endpoint.protocol,
        hostname: endpoint.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: endpoint.port || undefined,
        method,
        path,
        headers,
        timeout: bounds.requestTimeoutMs,
      });
      req.on("timeout", () => {
        const error = new Error(`no answer within ${bounds.requestTimeoutMs} ms (DLI_PACKAGES_REQUEST_TIMEOUT_MS)`) as Error & { code: string };
        error.code = TIMEOUT_CODE;
        req.destroy(error);
      });
      req.on("error", (error) => {
        source?.destroy();
        reject(error);
      });
      req.on("response", (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("aborted", () => reject(Object.assign(new Error("the connection closed before the answer was complete"), { code: "ECONNRESET" })));
        res.on("end", () => {
          // An answer before the whole body was sent (an early error): stop sending; the
          // socket is not reused.
          if (source && !req.writableFinished) {
            source.destroy();
            req.destroy();
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") });
        });
      });
      if (source) {
        // A read error of the source (the file vanished) fails this attempt like a reset.
        source.on("error", (error: Error) => req.destroy(error));
        source.pipe(req);
      } else req.end(body);
    });

  return {
    async send(endpoint, request) {
      const base = endpoint.pathname.replace(/\/+$/, "");
      const query = request.rawQuery ?? (request.query ? buildQuery(request.query) : "");
      const path = base + request.path + (query ? `?${query}` : "");
      const bare = path.split("?")[0];
      const body = request.body ?? (request.json === undefined ? undefined : JSON.stringify(request.json));
      const unsigned: Record<string, string> = { host: endpoint.host, "user-agent": USER_AGENT };
      if (request.json !== undefined || (request.body === undefined && request.authorize === undefined)) unsigned["content-type"] = "application/json";
      if (request.body) unsigned["content-length"] = String(request.body.length);
      Object.assign(unsigned, request.headers);
      const started = Date.now();
      let retries = 0;
      let faultRetries = 0;
      // Every method is retried (POST included: a same-name group upload replaces the group
      // (dli-api.md §1.1, §5), and under merge semantics re-sending the same paths yields the same
      // packages; converge() then removes anything extra. DELETE is safe: a repeated one answers
      // 404, which means "already deleted").
      for (;;) {
        const waitMs = pacer.reserve();
        if (waitMs > 0) await sleep(waitMs);
        // Signed per attempt: a fresh X-Sdk-Date every time.
        const headers = request.authorize
          ? request.authorize({ ...unsigned }, clock())
          : credentials.authorize({ method: request.method, path: bare, query, headers: unsigned, body: body as string | undefined, projectId: request.projectId }, clock());
        let answer: Answer | undefined;
        let failure: (Error & { code?: string }) | undefined;
        try {
          answer = await attempt(endpoint, request.method, path, headers, body);
        } catch (error) {
          failure = error as Error & { code?: string };
        }
        const status = answer?.status;
        const throttled = status === 429;
        // Throttling slows the whole process (Retry-After, when sent, pauses it that long).
        if (throttled) pacer.throttled(retryAfterMs(answer!.headers["retry-after"]));
        else if (answer) pacer.answered();
        if (answer && !RETRY_STATUSES.includes(answer.status)) return done(answer);
        const decision = decideRetry(
          {
            status,
            code: answer ? undefined : failure!.code,
            retryAfter: answer?.headers["retry-after"],
            attempts: faultRetries + 1,
            throttleDelayMs: throttled ? pacer.pendingDelay() : undefined,
            elapsedMs: Date.now() - started,
          },
          bounds,
          seams.random,
        );
        if (!decision.retry) {
          if (answer) return done(answer);
          throw new TransportError(request.method, bare, failure!.code, failure!.message, retries + 1);
        }
        retries++;
        if (!throttled) faultRetries++;
        (request.onRetry ?? onRetry)?.({
          method: request.method,
          path: bare,
          attempt: faultRetries + 1,
          delayMs: decision.delayMs,
          cause: status !== undefined ? `HTTP ${status}` : (failure!.code ?? failure!.message),
          throttled,
          pacingMs: pacer.intervalMs,
        });
        // A 429's wait is the pacer's: the next attempt waits for the process's next slot.
        if (!throttled && decision.delayMs > 0) await sleep(decision.delayMs);
      }

      function done(answer: Answer): HttpResponse {
        const requestId = headerValue(answer.headers["x-request-id"]) ?? headerValue(answer.headers["x-iam-trace-id"]) ?? headerValue(answer.headers["x-obs-request-id"]);
        return { ...answer, requestId, attempts: retries + 1 };
      }
    },
    // destroy, not a graceful end: nothing is in flight here, and idle keep-alive sockets
    // must not hold a short command open.
    close: async () => {
      for (const { agent } of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
    throw new ResponseShapeError(method, path, `HTTP ${response.status} with a JSON ${body === null ? "null" : Array.isArray(body) ? "array" : typeof body}, expected an object`, response.requestId);
  }
  return body as Record<string, unknown>;
}
