/**
 * Path-style OBS requests to dli-local signed with the runtime's own OBS signer
 * (lib/runtime/signer/obs), every byte under the test's control.
 */
import { ObsSignableRequest, obsAuthorization, obsEncodeKey } from "../../../lib/runtime/signer/obs";
import { RunningEmulator } from "../../../lib/emulator";
import { Reply, send } from "../support/client";

export interface ObsSendOptions {
  readonly method: string;
  readonly bucket: string;
  readonly key?: string;
  readonly query?: Record<string, string | undefined>;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Credentials; default the emulator's own. */
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly securityToken?: string;
  /** The request time (Date header). @default now */
  readonly date?: Date;
}

/** The path and query of a path-style request. */
export function obsPath(bucket: string, key = "", query: Record<string, string | undefined> = {}): string {
  const q = Object.entries(query)
    .map(([k, v]) => (v === undefined ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join("&");
  return `/${bucket}/${obsEncodeKey(key)}${q ? `?${q}` : ""}`;
}

/** The headers of a signed request (Date, token, Authorization added). */
export function obsSignedHeaders(emulator: RunningEmulator, options: ObsSendOptions): Record<string, string> {
  const headers: Record<string, string> = { Date: (options.date ?? new Date()).toUTCString(), ...(options.headers ?? {}) };
  if (options.securityToken) headers["x-obs-security-token"] = options.securityToken;
  const request: ObsSignableRequest = { method: options.method, bucket: options.bucket, key: options.key ?? "", query: options.query, headers };
  headers.Authorization = obsAuthorization(options.accessKey ?? emulator.env.HW_ACCESS_KEY, options.secretKey ?? emulator.env.HW_SECRET_KEY, request);
  return headers;
}

export function obsSend(emulator: RunningEmulator, options: ObsSendOptions): Promise<Reply> {
  return send(emulator.env.HW_OBS_ENDPOINT, {
    method: options.method,
    path: obsPath(options.bucket, options.key, options.query),
    headers: obsSignedHeaders(emulator, options),
    body: options.body,
  });
}

/** The child elements of an XML document's root, as [name, text] pairs (flat documents only). */
export function xmlElements(text: string, parent: string): Array<[string, string]> {
  const inner = new RegExp(`<${parent}(?: [^>]*)?>([\\s\\S]*)</${parent}>`).exec(text)?.[1] ?? "";
  return [...inner.matchAll(/<([A-Za-z]+)>([\s\S]*?)<\/\1>/g)].map((m) => [m[1], m[2]]);
}
