/**
 * Object operations: PUT (obs_04_0080 "Uploading Objects - PUT"), HEAD (obs_04_0084 "Querying
 * Object Metadata"), GET (obs_04_0083 "Downloading Objects"), DELETE (obs_04_0085 "Deleting an
 * Object"). Bodies are streamed to and from disk.
 */
import { IncomingMessage } from "node:http";
import { obsErrors } from "./errors";
import { MAX_PUT_BYTES, ObsAnswer, ObsContext, ObsOperation } from "./operation";
import { metadataOf } from "./request";
import { BodyTooLargeError, ObjectStore, ReceivedBody, StoredObject } from "./store";

/** Content-Type of an object stored without one. */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** Headers whose feature dli-local does not emulate: answered 501 NotImplemented. */
const UNEMULATED_HEADERS = ["x-obs-copy-source", "x-obs-server-side-encryption", "x-obs-server-side-encryption-customer-algorithm", "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since"];

export function refuseUnemulatedHeaders(req: IncomingMessage): void {
  for (const name of UNEMULATED_HEADERS) if (req.headers[name] !== undefined) throw obsErrors.notImplemented(`the ${name} header`);
}

/** The Content-MD5 a request declares (16 bytes, base64), or undefined; malformed → InvalidDigest. */
export function declaredMd5(req: IncomingMessage): Buffer | undefined {
  const header = req.headers["content-md5"];
  if (header === undefined) return undefined;
  const value = String(header).trim();
  const bytes = /^[A-Za-z0-9+/]{22}==$/.test(value) ? Buffer.from(value, "base64") : undefined;
  if (!bytes || bytes.length !== 16) throw obsErrors.invalidDigest();
  return bytes;
}

/**
 * Stream a request body to disk; no Content-Length (and not chunked) → MissingContentLength,
 * over `maxBytes` → EntityTooLarge, a Content-MD5 that differs → BadDigest (obs_04_0115).
 */
export async function receiveBody(req: IncomingMessage, store: ObjectStore, maxBytes: number): Promise<ReceivedBody> {
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) throw obsErrors.missingContentLength();
  if (Number(req.headers["content-length"]) > maxBytes) throw obsErrors.entityTooLarge();
  const md5 = declaredMd5(req);
  let received: ReceivedBody;
  try {
    received = await store.receive(req, maxBytes);
  } catch (failure) {
    if (failure instanceof BodyTooLargeError) throw obsErrors.entityTooLarge();
    throw failure;
  }
  if (md5 && !md5.equals(received.md5)) {
    await store.discard(received);
    throw obsErrors.badDigest();
  }
  return received;
}

/** Object names are 1 to 1024 bytes of UTF-8 (obs_04_0080, "Object name"); longer → 400 KeyTooLongError. */
export const MAX_KEY_BYTES = 1024;

export function refuseLongKey(key: string): void {
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) throw obsErrors.keyTooLong();
}

export const putObject: ObsOperation = async ({ req, target, store, now }) => {
  refuseUnemulatedHeaders(req);
  refuseLongKey(target.key);
  const received = await receiveBody(req, store, MAX_PUT_BYTES);
  const object = store.putObject(target.bucket, target.key, received, {
    etag: received.md5.toString("hex"),
    lastModified: now,
    contentType: req.headers["content-type"] ?? DEFAULT_CONTENT_TYPE,
    metadata: metadataOf(req),
  });
  return { status: 200, headers: { ETag: `"${object.etag}"` } };
};

/** The headers HEAD and GET answer for an object (obs_04_0084 response headers). */
function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    "Content-Type": object.contentType,
    "Last-Modified": new Date(object.lastModified).toUTCString(),
    ETag: `"${object.etag}"`,
    ...object.metadata,
    ...(object.uploadId === undefined ? {} : { "x-obs-uploadId": object.uploadId }),
  };
}

function existing({ target, store }: ObsContext): StoredObject {
  const object = store.get(target.bucket, target.key);
  if (!object) throw obsErrors.noSuchKey();
  return object;
}

export const headObject: ObsOperation = (context) => {
  refuseUnemulatedHeaders(context.req);
  const object = existing(context);
  return { status: 200, headers: objectHeaders(object), object: { length: object.size, open: () => context.store.read(object) } };
};

export const getObject: ObsOperation = (context) => {
  refuseUnemulatedHeaders(context.req);
  const object = existing(context);
  // Opened now: a PUT that replaces the object while this GET streams does not change its bytes.
  const stream = context.store.read(object);
  return { status: 200, headers: objectHeaders(object), object: { length: object.size, open: () => stream } };
};

/** 204 whether or not the object existed (obs_04_0085: deleting a missing object succeeds). */
export const deleteObject: ObsOperation = ({ target, store }): ObsAnswer => {
  store.deleteObject(target.bucket, target.key);
  return { status: 204 };
};
