/**
 * The HTTP side: one node:http server answering DLI, IAM, OBS (for the buckets it is told
 * about: obs/service.ts) and the `/__emulator/` control routes.
 * Per request: route → injected fault/latency → body (≤12 MB) → authentication → throttle (per
 * caller and API) → project check → JSON body → operation → response. Every response carries X-Request-Id; every
 * error is rendered by errors.ts.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, IncomingMessage, Server, ServerResponse, STATUS_CODES } from "node:http";
import { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { RunningChildEmulator, startChildEmulator } from "./child-emulator";
import { dliErrors, EmulatorError, gatewayErrors, renderError } from "./errors";
import { FaultInjector, FaultOptions } from "./faults";
import { Identity } from "./iam/identity";
import { Settings } from "./operation";
import {
  checkObsBuckets,
  checkRuntimeOptions,
  DEFAULTS,
  EmulatorOptions,
  RUNTIME_OPTION_NAMES,
  RuntimeOptions,
} from "./options";
import { loadStateFile, saveStateFile } from "./dli/persistence";
import { RequestLog, RequestLogEntry } from "./request-log";
import { packageObjectExists } from "./obs/package-object";
import { ObsRequestInfo, ObsService } from "./obs/service";
import { ObjectStore } from "./obs/store";
import { matchRoute } from "./routes";
import { EmulatedGroup, EmulatorState } from "./dli/state";
import { Throttle } from "./throttle";

/** A running emulator (see docs/emulator.md). */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`; serves DLI, IAM and OBS. */
  readonly url: string;
  /** HW_DLI_ENDPOINT, HW_IAM_ENDPOINT, HW_ACCESS_KEY, HW_SECRET_KEY, HW_PROJECT_ID, HW_REGION_NAME, HW_OBS_ENDPOINT. */
  readonly env: Record<string, string>;
  /** Requests so far, excluding `/__emulator/*` control calls. */
  requests(): RequestLogEntry[];
  clearRequests(): void;
  /** Forget all groups, OBS objects and uploads, issued tokens, throttle state and the request log. */
  reset(): void;
  /** Change runtime options (semantics, delays, missing objects, faults, throttling…). */
  configure(patch: Partial<EmulatorOptions>): void;
  /** State snapshot: every group with its packages and their current status. */
  groups(): EmulatedGroup[];
  close(): Promise<void>;
}

const CONTROL_PREFIX = "/__emulator/";
// Request ids: 32 hex characters, a random per-process prefix plus a counter (cheaper than a
// UUID per request, still unique across restarts).
const REQUEST_ID_PREFIX = randomUUID().replace(/-/g, "").slice(0, 20);
let requestCounter = 0;
const nextRequestId = () => REQUEST_ID_PREFIX + (++requestCounter).toString(16).padStart(12, "0");
const MAX_URI_LENGTH = 8192;
const JSON_TYPE = "application/json;charset=UTF-8";

/**
 * Start an emulator on loopback. In this process by default; with `process: "child"` in a child
 * process behind the same (synchronous) handle, for tests that block their event loop, such as
 * `execFileSync("terraform", ["apply", …])`.
 */
export async function startEmulator(options: EmulatorOptions & { readonly process: "child" }): Promise<RunningChildEmulator>;
export async function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator>;
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  if (options.process === "child") return startChildEmulator(options);
  if (options.process !== undefined && options.process !== "in-process") {
    throw new Error(`dli-local: process: ${JSON.stringify(options.process)} — use "in-process" or "child"`);
  }
  const emulator = new Emulator(options);
  await emulator.listen(options.port ?? 0, options.host ?? DEFAULTS.host);
  return emulator;
}

class Emulator implements RunningEmulator {
  url = "";
  env: Record<string, string> = {};
  private readonly server: Server;
  private readonly now: () => number;
  private readonly state: EmulatorState;
  private readonly identity: Identity;
  private readonly throttle: Throttle;
  private readonly faults: FaultInjector;
  private readonly log: RequestLog;
  private readonly settings: Settings;
  private readonly config: { retryAfterSeconds?: number; maxClockSkewMs: number; maxBodyBytes: number };
  private readonly sockets = new Set<Socket>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly objects: ObjectStore;
  private readonly obs: ObsService;

  constructor(private readonly options: EmulatorOptions) {
    checkRuntimeOptions(options);
    this.now = options.now ?? Date.now;
    this.settings = {
      uploadSemantics: options.uploadSemantics ?? DEFAULTS.uploadSemantics,
      readyDelayMs: options.readyDelayMs ?? 0,
      failPaths: options.failPaths ?? [],
      missingObjects: options.missingObjects ?? "failed",
      missingPackageStatus: options.missingPackageStatus ?? 404,
      keepEmptyGroups: options.keepEmptyGroups ?? false,
      acceptObsScheme: options.acceptObsScheme ?? true,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? DEFAULTS.tokenLifetimeSeconds,
    };
    this.config = {
      retryAfterSeconds: options.retryAfterSeconds,
      maxClockSkewMs: options.maxClockSkewMs ?? DEFAULTS.maxClockSkewMs,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    };
    this.identity = new Identity(
      {
        accessKey: options.accessKey ?? DEFAULTS.accessKey,
        secretKey: options.secretKey ?? DEFAULTS.secretKey,
        projectId: options.projectId ?? DEFAULTS.projectId,
        region: options.region ?? DEFAULTS.region,
      },
      options,
    );
    this.identity.lockout = { afterFailures: options.lockoutAfterFailures ?? 0, ms: options.lockoutMs ?? DEFAULTS.lockoutMs };
    this.throttle = new Throttle(options.throttlePerSecond ?? DEFAULTS.throttlePerSecond, this.now);
    this.faults = new FaultInjector(options.faults);
    this.log = new RequestLog(options.log);
    const stateFile = options.stateFile;
    this.state = new EmulatorState(stateFile ? (state) => saveStateFile(stateFile, state.toData()) : undefined);
    if (stateFile) {
      const loaded = loadStateFile(stateFile); // throws StateFileError on a corrupt file
      if (loaded) this.state.load(loaded);
    }
    checkObsBuckets(options.obsBuckets);
    // Objects persist where the groups do (beside the state file) when there are buckets to serve.
    const obsDir = options.obsDir ?? (stateFile && (options.obsBuckets ?? []).length > 0 ? `${stateFile}.obs` : undefined);
    this.objects = new ObjectStore(obsDir ?? mkdtempSync(join(tmpdir(), "dli-local-obs-")), options.obsBuckets ?? [], obsDir === undefined);
    this.obs = new ObsService({
      store: this.objects,
      identity: this.identity,
      faults: this.faults,
      throttle: this.throttle,
      region: options.region ?? DEFAULTS.region,
      now: this.now,
      sleep: (ms) => this.sleep(ms),
      maxClockSkewMs: () => this.config.maxClockSkewMs,
      baseUrl: () => this.url,
      note: (line) => this.log.note(line),
    });
    this.server = createServer({ requestTimeout: 60_000, headersTimeout: 30_000, keepAliveTimeout: 5_000 }, (req, res) => {
      void this.handle(req, res);
    });
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => this.answerUnparsable(error, socket));
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.url = `http://${shownHost}:${address.port}`;
    this.env = {
      HW_DLI_ENDPOINT: this.url,
      HW_IAM_ENDPOINT: this.url,
      HW_ACCESS_KEY: this.options.accessKey ?? DEFAULTS.accessKey,
      HW_SECRET_KEY: this.options.secretKey ?? DEFAULTS.secretKey,
      HW_PROJECT_ID: this.options.projectId ?? DEFAULTS.projectId,
      HW_REGION_NAME: this.options.region ?? DEFAULTS.region,
      // Path-style OBS on this same port (RUNTIME_ENV.obsEndpoint: loopback → {endpoint}/{bucket}/{key}).
      HW_OBS_ENDPOINT: this.url,
    };
  }

  requests(): RequestLogEntry[] {
    return this.log.list();
  }

  clearRequests(): void {
    this.log.clear();
  }

  reset(): void {
    this.state.clear();
    this.objects.clear();
    this.identity.clearTokens();
    this.throttle.reset();
    this.log.clear();
  }

  configure(patch: Partial<EmulatorOptions>): void {
    checkRuntimeOptions(patch);
    for (const name of Object.keys(patch) as (keyof RuntimeOptions)[]) {
      if (!RUNTIME_OPTION_NAMES.includes(name)) throw new Error(`dli-local: ${name} cannot be changed at runtime (runtime options: ${RUNTIME_OPTION_NAMES.join(", ")})`);
    }
    if ("faults" in patch) this.faults.set(patch.faults);
    if (patch.throttlePerSecond !== undefined) this.throttle.setRate(patch.throttlePerSecond);
    if ("retryAfterSeconds" in patch) this.config.retryAfterSeconds = patch.retryAfterSeconds;
    if (patch.maxClockSkewMs !== undefined) this.config.maxClockSkewMs = patch.maxClockSkewMs;
    if (patch.lockoutAfterFailures !== undefined) this.identity.lockout.afterFailures = patch.lockoutAfterFailures;
    if (patch.lockoutMs !== undefined) this.identity.lockout.ms = patch.lockoutMs;
    for (const name of [
      "uploadSemantics",
      "readyDelayMs",
      "failPaths",
      "missingObjects",
      "missingPackageStatus",
      "keepEmptyGroups",
      "acceptObsScheme",
      "tokenLifetimeSeconds",
    ] as const) {
      if (patch[name] !== undefined) (this.settings as any)[name] = patch[name];
    }
  }

  /** The current runtime options, JSON-friendly (RegExps as `{regexp, flags}`). */
  currentConfig(): Record<string, unknown> {
    return {
      ...this.settings,
      failPaths: this.settings.failPaths.map((p) => (typeof p === "string" ? p : { regexp: p.source, flags: p.flags })),
      faults: this.faults.current(),
      throttlePerSecond: this.throttle.rate,
      retryAfterSeconds: this.config.retryAfterSeconds,
      maxClockSkewMs: this.config.maxClockSkewMs,
      lockoutAfterFailures: this.identity.lockout.afterFailures,
      lockoutMs: this.identity.lockout.ms,
    };
  }

  groups(): EmulatedGroup[] {
    return this.state.snapshot(this.now());
  }

  async close(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    this.objects.close();
  }

  // ---- request handling -------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = nextRequestId();
    res.setHeader("X-Request-Id", requestId);
    const rawUrl = req.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    const path = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
    const query = queryStart < 0 ? "" : rawUrl.slice(queryStart + 1);
    const method = req.method ?? "GET";

    if (path.startsWith(CONTROL_PREFIX)) return this.handleControl(req, res, method, path, requestId);

    const obsTarget = rawUrl.length > MAX_URI_LENGTH ? undefined : this.obs.target(req, path, query);
    const match = obsTarget ? undefined : matchRoute(method, path);
    const obsInfo: ObsRequestInfo = {};
    let fault: string | undefined;
    let callerName: string | undefined;
    res.once("close", () => {
      this.log.add({
        method,
        path,
        query,
        // 0: no answer went out (dropped by fault injection, or the client went away first).
        status: (fault ?? obsInfo.fault) === "drop" || !res.writableFinished ? 0 : res.statusCode,
        durationMs: performance.now() - started,
        at: new Date(Date.now() - (performance.now() - started)).toISOString(),
        api: match?.route.api ?? obsInfo.api,
        requestId,
        fault: fault ?? obsInfo.fault,
        caller: callerName ?? obsInfo.caller,
      });
    });
    if (obsTarget) return this.obs.handle(req, res, obsTarget, requestId, obsInfo);
    try {
      if (rawUrl.length > MAX_URI_LENGTH) throw gatewayErrors.uriTooLong(MAX_URI_LENGTH);
      if (!match) throw gatewayErrors.apiNotFound(method, path);
      const { route, params } = match;

      const decision = this.faults.decide(route.api, method);
      if (decision.latencyMs > 0) await this.sleep(decision.latencyMs);
      if (decision.outcome !== "none") {
        fault = decision.outcome;
        if (decision.outcome === "drop") {
          req.socket.destroy();
          return;
        }
        if (decision.outcome === "429") throw gatewayErrors.throttled(route.api, this.throttle.rate, this.config.retryAfterSeconds);
        throw dliErrors.serverError(decision.outcome === "500" ? 500 : 503, `Injected fault: ${decision.outcome} (dli-local fault injection)`);
      }
      const body = await readBody(req, this.config.maxBodyBytes);
      const now = this.now();
      const caller =
        route.auth === "none"
          ? undefined
          : this.identity.authenticate({ method, path, query, headers: req.headers, body }, now, this.config.maxClockSkewMs);
      callerName = caller?.principal;
      // Authenticate first, then throttle per caller (issue 11 §4): unsigned or badly signed
      // requests are answered 401 above and never spend a legitimate caller's tokens. The
      // password route authenticates in its handler: a wrong password spends no bucket either.
      const passwordUser = !caller && route.auth === "none" ? this.identity.passwordUser(body) : undefined;
      const principal = caller ? `${caller.via}:${caller.principal}` : passwordUser && `password:${passwordUser}`;
      if (principal && !this.throttle.take(`${principal} ${route.api}`)) {
        throw gatewayErrors.throttled(route.api, this.throttle.rate, this.config.retryAfterSeconds);
      }
      if (route.auth === "dli") this.identity.checkProject(caller!, params.projectId, req.headers);
      const parsed = route.jsonBody ? parseJsonBody(req, body) : undefined;
      const result = route.handler({
        params,
        query: new URLSearchParams(query),
        body: parsed,
        caller,
        now,
        state: this.state,
        identity: this.identity,
        settings: this.settings,
        baseUrl: this.url,
        objectExists: (url) => packageObjectExists(url, this.objects),
      });
      send(res, result.status, result.body, result.headers);
    } catch (error) {
      this.sendError(res, error, requestId);
    }
  }

  private handleControl(req: IncomingMessage, res: ServerResponse, method: string, path: string, requestId: string): void {
    void (async () => {
      try {
        if (!isLoopback(req.socket.remoteAddress)) throw gatewayErrors.accessDenied("control routes answer loopback clients only");
        const body = await readBody(req, this.config.maxBodyBytes);
        const route = `${method} ${path.replace(/\/$/, "")}`;
        switch (route) {
          case "GET /__emulator/requests":
            return send(res, 200, { requests: this.requests() });
          case "DELETE /__emulator/requests":
            this.clearRequests();
            return send(res, 204);
          case "POST /__emulator/reset":
            this.reset();
            return send(res, 204);
          case "GET /__emulator/state":
            return send(res, 200, { groups: this.groups() });
          case "GET /__emulator/config":
            return send(res, 200, this.currentConfig());
          case "PUT /__emulator/config": {
            const patch = parseJsonBody(req, body);
            if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw dliErrors.parameter("the config patch must be a JSON object");
            try {
              this.configure(configFromJson(patch as Record<string, unknown>));
            } catch (error) {
              throw dliErrors.parameter((error as Error).message);
            }
            return send(res, 200, this.currentConfig());
          }
          default:
            throw gatewayErrors.apiNotFound(method, path);
        }
      } catch (error) {
        this.sendError(res, error, requestId);
      }
    })();
  }

  private sendError(res: ServerResponse, error: unknown, requestId: string): void {
    const known =
      error instanceof EmulatorError ? error : gatewayErrors.internal(error instanceof Error ? error.message : String(error));
    if (!(error instanceof EmulatorError)) this.log.note(`dli-local: internal error: ${(error as Error)?.stack ?? String(error)}`);
    if (res.headersSent || res.destroyed) return;
    const headers = { ...known.headers };
    const text = renderError(known, requestId);
    res.writeHead(known.status, { ...headers, "Content-Type": JSON_TYPE, "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  /** Requests node cannot parse (bad request line, huge headers): answer, then close. */
  private answerUnparsable(error: NodeJS.ErrnoException, socket: Socket): void {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const requestId = nextRequestId();
    const known =
      error.code === "HPE_HEADER_OVERFLOW"
        ? gatewayErrors.headersTooLarge()
        : error.code === "HPE_URI_TOO_LONG"
          ? gatewayErrors.uriTooLong(MAX_URI_LENGTH)
          : gatewayErrors.badRequest(`the request could not be parsed as HTTP/1.1 (${error.code ?? error.message})`);
    const text = renderError(known, requestId);
    this.log.note(`dli-local: unparsable request answered ${known.status} (${error.code ?? error.message}) ${requestId}`);
    socket.end(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status] ?? "Request Header Too Large"}\r\n` +
        `Content-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${text}`,
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.add(timer);
    });
  }
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (body === undefined) {
    res.writeHead(status, { ...headers, "Content-Length": 0 });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "Content-Type": JSON_TYPE, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** Read the whole body; over `limit` bytes → 413 APIGW.0201 (dli-api.md §4.1 step 8). */
const EMPTY = Buffer.alloc(0);

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> | Buffer {
  // No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body (the GETs).
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) {
    req.resume();
    return EMPTY;
  }
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) {
    // Declared too large: answer at once and close rather than read gigabytes.
    req.resume();
    return Promise.reject(gatewayErrors.bodyTooLarge(limit, true));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        // Streamed past the limit: answer now and discard the rest, so the client (still
        // writing) reads the 413 instead of a reset connection.
        failed = true;
        chunks.length = 0;
        reject(gatewayErrors.bodyTooLarge(limit, false));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on("error", (error) => {
      if (!failed) reject(gatewayErrors.badRequest(`reading the body failed: ${error.message}`));
      failed = true;
    });
  });
}

/** The body of a JSON operation: `Content-Type: application/json` (any charset) and valid JSON. */
function parseJsonBody(req: IncomingMessage, body: Buffer): unknown {
  const contentType = req.headers["content-type"];
  if (body.length === 0) throw dliErrors.parameter("the request body is empty; send a JSON object with Content-Type: application/json");
  if (!contentType || !/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    throw dliErrors.parameter(`Content-Type must be application/json, got ${contentType === undefined ? "none" : JSON.stringify(contentType)}`);
  }
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw dliErrors.parameter(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1" || (address?.startsWith("127.") ?? false);
}

/** A JSON config patch → runtime options: failPaths entries may be `{regexp, flags}`. */
export function configFromJson(patch: Record<string, unknown>): Partial<RuntimeOptions> {
  const result: Record<string, unknown> = { ...patch };
  if (Array.isArray(patch.failPaths)) {
    result.failPaths = patch.failPaths.map((entry) => {
      if (typeof entry === "string") return entry;
      const { regexp, flags } = (entry ?? {}) as { regexp?: unknown; flags?: unknown };
      if (typeof regexp !== "string") throw new Error(`failPaths entries must be strings or {"regexp": "...", "flags": "..."}`);
      return new RegExp(regexp, typeof flags === "string" ? flags : undefined);
    });
  }
  if (patch.faults === null) result.faults = {};
  if (patch.retryAfterSeconds === null) result.retryAfterSeconds = undefined;
  return result as Partial<RuntimeOptions> & { faults?: FaultOptions };
}
