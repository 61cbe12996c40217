/**
 * dli-local's OBS: the buckets it is told about, served on the same port as DLI and IAM.
 * Per request: route → injected fault/latency (the DLI side's machinery; a dropped connection
 * cuts an upload or a download mid-body) → OBS signature → throttle (per AK and API; the
 * documented answer to a too-high rate is 503 SlowDown) → bucket → operation → response with
 * `x-obs-request-id` and `x-obs-id-2` (obs_04_0013 "Common Response Headers"); every error is
 * the documented XML (errors.ts), HEAD errors without a body.
 */
import { randomBytes } from "node:crypto";
import { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FaultInjector } from "../faults";
import { Identity } from "../iam/identity";
import { Throttle } from "../throttle";
import { authenticateObs, ObsCaller } from "./authenticate";
import { ObsError, obsErrors, renderObsError } from "./errors";
import { ObsAnswer } from "./operation";
import { obsTarget, ObsTarget } from "./request";
import { obsRoute } from "./routes";
import { ObjectStore } from "./store";

export interface ObsServiceDependencies {
  readonly store: ObjectStore;
  readonly identity: Identity;
  readonly faults: FaultInjector;
  readonly throttle: Throttle;
  readonly region: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly maxClockSkewMs: () => number;
  readonly baseUrl: () => string;
  /** Where an internal error's stack goes (the request log's notes). */
  readonly note: (line: string) => void;
}

/** What the request log records of an OBS request (filled in as it is handled). */
export interface ObsRequestInfo {
  api?: string;
  fault?: string;
  caller?: string;
}

const XML_TYPE = "application/xml";

export class ObsService {
  constructor(private readonly deps: ObsServiceDependencies) {}

  /** The OBS target of a request, or undefined when it is a DLI/IAM/control request. */
  target(req: IncomingMessage, path: string, rawQuery: string): ObsTarget | undefined {
    return obsTarget(req, path, rawQuery, (bucket) => this.deps.store.hasBucket(bucket));
  }

  async handle(req: IncomingMessage, res: ServerResponse, target: ObsTarget, requestId: string, info: ObsRequestInfo): Promise<void> {
    const obsRequestId = requestId.toUpperCase();
    res.removeHeader("X-Request-Id");
    res.setHeader("x-obs-request-id", obsRequestId);
    res.setHeader("x-obs-id-2", randomBytes(48).toString("base64"));
    const method = req.method ?? "GET";
    const route = obsRoute(method, target);
    info.api = route.api;
    let answer: ObsAnswer | undefined;
    try {
      const decision = this.deps.faults.decide(route.api, method);
      if (decision.latencyMs > 0) await this.deps.sleep(decision.latencyMs);
      if (decision.outcome === "drop") {
        info.fault = "drop";
        return await this.dropMidway(req, res, target, route);
      }
      if (decision.outcome !== "none") {
        info.fault = decision.outcome;
        const detail = `Injected fault: ${decision.outcome} (dli-local fault injection)`;
        throw decision.outcome === "429" ? obsErrors.tooManyRequests(detail) : decision.outcome === "500" ? obsErrors.internalError(detail) : obsErrors.serviceUnavailable(detail);
      }
      const now = this.deps.now();
      const caller: ObsCaller = authenticateObs(
        // headersDistinct: a header sent twice is two values, joined with ',' as OBS signs them (req.headers would join with ', ').
        { method, bucket: target.bucket, key: target.key, query: target.query, headers: req.headersDistinct as Record<string, string[]> },
        this.deps.identity,
        now,
        this.deps.maxClockSkewMs(),
      );
      info.caller = caller.accessKey;
      if (!this.deps.throttle.take(`obs:${caller.accessKey} ${route.api}`)) throw obsErrors.slowDown();
      if (!this.deps.store.hasBucket(target.bucket)) throw obsErrors.noSuchBucket();
      if ("error" in route) throw route.error;
      answer = await route.handler({
        req,
        target,
        caller,
        store: this.deps.store,
        now,
        domainId: this.deps.identity.domainId,
        region: this.deps.region,
        baseUrl: this.deps.baseUrl(),
      });
      await this.drain(req);
      await this.send(req, res, answer);
    } catch (failure) {
      await this.sendError(req, res, target, failure, obsRequestId);
    }
  }

  private async send(req: IncomingMessage, res: ServerResponse, answer: ObsAnswer): Promise<void> {
    const headers: Record<string, string | number> = { ...answer.headers };
    if (answer.xml !== undefined) {
      res.writeHead(answer.status, { ...headers, "Content-Type": XML_TYPE, "Content-Length": Buffer.byteLength(answer.xml) });
      res.end(answer.xml);
      return;
    }
    if (answer.object === undefined) {
      res.writeHead(answer.status, { ...headers, "Content-Length": 0 });
      res.end();
      return;
    }
    res.writeHead(answer.status, { ...headers, "Content-Length": answer.object.length });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    await pipeline(answer.object.open(), res).catch(() => res.destroy());
  }

  private async sendError(req: IncomingMessage, res: ServerResponse, target: ObsTarget, failure: unknown, requestId: string): Promise<void> {
    const known = failure instanceof ObsError ? failure : obsErrors.internalError(failure instanceof Error ? failure.message : String(failure));
    if (!(failure instanceof ObsError)) this.deps.note(`dli-local: OBS internal error: ${(failure as Error)?.stack ?? String(failure)}`);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    // Read what the client is still sending, so it reads this answer rather than a reset.
    await this.drain(req);
    const resource = `/${target.bucket}${target.key === "" ? "" : `/${target.key}`}`;
    const text = req.method === "HEAD" ? "" : renderObsError(known, resource, requestId, String(res.getHeader("x-obs-id-2")));
    res.writeHead(known.status, { ...known.headers, "Content-Type": XML_TYPE, "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  /**
   * A dropped connection, mid-body where there is one: an upload is read halfway (at least one
   * chunk) and then cut; a download of an existing object is sent halfway and cut; other
   * requests are cut at once.
   */
  private async dropMidway(req: IncomingMessage, res: ServerResponse, target: ObsTarget, route: ReturnType<typeof obsRoute>): Promise<void> {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > 0) {
      let seen = 0;
      await new Promise<void>((resolve) => {
        req.on("data", (chunk: Buffer) => {
          seen += chunk.length;
          if (seen >= declared / 2) resolve();
        });
        req.once("end", resolve);
        req.once("close", resolve);
      });
      req.socket.destroy();
      return;
    }
    const object = route.api === "GetObject" ? this.deps.store.get(target.bucket, target.key) : undefined;
    if (object && object.size > 1) {
      res.writeHead(200, { "Content-Length": object.size, ETag: `"${object.etag}"` });
      const half = Math.floor(object.size / 2);
      let sent = 0;
      const source: Readable = this.deps.store.read(object);
      source.on("data", (chunk: Buffer) => {
        const room = half - sent;
        if (room <= 0) return;
        const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
        sent += piece.length;
        res.write(piece);
        if (sent >= half) {
          source.destroy();
          // Let the written half reach the client, then cut.
          setImmediate(() => res.socket?.destroy());
        }
      });
      return;
    }
    req.socket.destroy();
  }

  /** Discard the rest of a request body (nothing when it was read). */
  private drain(req: IncomingMessage): Promise<void> {
    if (req.complete || req.readableEnded) return Promise.resolve();
    return new Promise((resolve) => {
      req.once("end", resolve);
      req.once("close", resolve);
      req.resume();
    });
  }
}
