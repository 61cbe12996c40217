/**
 * A tiny signed HTTP client for the emulator tests: signs with lib/runtime/signer's
 * signRequest (the runtime's own signer) and sends with node:http, so every byte is under the
 * test's control (tampering, raw headers).
 */
import { request as httpRequest } from "node:http";
import { signRequest, SigningKey } from "../../../lib/runtime/signer";
import { RunningEmulator } from "../../../lib/emulator";

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: any;
}

export interface SendOptions {
  readonly method: string;
  /** Path with optional query, e.g. `/v2.0/{p}/resources?kind=jar`. */
  readonly path: string;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
}

/** Send raw (no signing). */
export function send(baseUrl: string, options: SendOptions): Promise<Reply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: options.method, path: options.path, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** The headers a signed request carries (host included, as the Node/Python SDKs do). */
export function signedHeaders(
  baseUrl: string,
  options: SendOptions,
  key: SigningKey,
  now: Date = new Date(),
  { signHost = true }: { signHost?: boolean } = {},
): Record<string, string> {
  const url = new URL(baseUrl);
  const queryStart = options.path.indexOf("?");
  const path = queryStart < 0 ? options.path : options.path.slice(0, queryStart);
  const query = queryStart < 0 ? "" : options.path.slice(queryStart + 1);
  const headers: Record<string, string> = { ...(signHost ? { host: url.host } : {}), ...(options.headers ?? {}) };
  return signRequest({ method: options.method, path, query, headers, body: options.body }, key, now);
}

/** Sign with the given key (default: the emulator's own credentials) and send. */
export function signedSend(
  emulator: RunningEmulator,
  options: SendOptions,
  key: SigningKey = keyOf(emulator),
  now: Date = new Date(),
): Promise<Reply> {
  return send(emulator.url, { ...options, headers: signedHeaders(emulator.url, options, key, now) });
}

export function keyOf(emulator: RunningEmulator): SigningKey {
  return { accessKey: emulator.env.HW_ACCESS_KEY, secretKey: emulator.env.HW_SECRET_KEY };
}

/** JSON POST/PUT helper. */
export function json(method: string, path: string, body: unknown): SendOptions {
  return { method, path, body: JSON.stringify(body), headers: { "content-type": "application/json" } };
}

export const obs = (key: string) => `https://dli-test.obs.cn-north-4.myhuaweicloud.com/${key}`;

/** IAM password-auth body (dli-api.md §4.2). */
export function tokenRequest(name: string, password: string, projectId = "d1110ca1d1110ca1d1110ca1d1110ca1") {
  return {
    auth: {
      identity: { methods: ["password"], password: { user: { name, password, domain: { name: "dli-local" } } } },
      scope: { project: { id: projectId } },
    },
  };
}
