/**
 * Multipart upload operations: initiate (obs_04_0098), upload a part (obs_04_0099), list the
 * parts (obs_04_0101), complete (obs_04_0102), abort (obs_04_0103), and list the bucket's
 * uploads (obs_04_0097). Parts are files on disk; completing concatenates them, streamed.
 */
import { createHash } from "node:crypto";
import { obsErrors } from "./errors";
import { declaredMd5, DEFAULT_CONTENT_TYPE, receiveBody, refuseLongKey, refuseUnemulatedHeaders } from "./objects";
import { MAX_PUT_BYTES, MIN_PART_BYTES, ObsContext, ObsOperation } from "./operation";
import { metadataOf } from "./request";
import { compareKeys, StoredPart, StoredUpload, UploadGoneError } from "./store";
import { parseCompleteMultipartUpload, xmlDocument, XmlNode } from "./xml";

/** An OBS time in list bodies: ISO 8601 with milliseconds, UTC (obs_04_0022 example `2015-07-01T02:11:19.775Z`). */
export const obsTime = (epochMs: number) => new Date(epochMs).toISOString();

const MAX_PART_NUMBER = 10_000;
const MAX_COMPLETE_BODY_BYTES = 2 * 1024 * 1024;

/** The upload a request names by `uploadId`, for the same bucket and key, else NoSuchUpload. */
function namedUpload({ target, store }: ObsContext): StoredUpload {
  const upload = store.upload(target.query.uploadId ?? "");
  if (!upload || upload.bucket !== target.bucket || upload.key !== target.key) throw obsErrors.noSuchUpload();
  return upload;
}

/** `max-*` query parameter: a whole number; over 1000 means 1000 (obs_04_0022 Table 1). */
function maxParam(value: string | undefined, name: string): number {
  if (value === undefined) return 1000;
  if (!/^\d{1,9}$/.test(value)) throw obsErrors.invalidArgument(`${name} must be a whole number from 1 to 1000, got ${JSON.stringify(value.slice(0, 40))}`);
  return Math.min(Number(value), 1000);
}

export const initiateMultipartUpload: ObsOperation = ({ req, target, store, now, caller, domainId }) => {
  refuseUnemulatedHeaders(req);
  refuseLongKey(target.key);
  const upload = store.initiate({
    bucket: target.bucket,
    key: target.key,
    initiated: now,
    contentType: req.headers["content-type"] ?? DEFAULT_CONTENT_TYPE,
    metadata: metadataOf(req),
    initiator: `${domainId}/${caller.owner}`,
  });
  return {
    status: 200,
    xml: xmlDocument(["InitiateMultipartUploadResult", [["Bucket", upload.bucket], ["Key", upload.key], ["UploadId", upload.uploadId]]]),
  };
};

export const uploadPart: ObsOperation = async (context) => {
  const { req, target, store, now } = context;
  const numberText = target.query.partNumber ?? "";
  const partNumber = /^\d{1,5}$/.test(numberText) ? Number(numberText) : NaN;
  if (!(partNumber >= 1 && partNumber <= MAX_PART_NUMBER)) {
    throw obsErrors.invalidArgument(`partNumber must be a whole number from 1 to ${MAX_PART_NUMBER}, got ${JSON.stringify(numberText.slice(0, 40))}`);
  }
  const upload = namedUpload(context);
  declaredMd5(req); // a malformed Content-MD5 is refused before the body is read
  const received = await receiveBody(req, store, MAX_PUT_BYTES);
  let part: StoredPart;
  try {
    part = store.putPart(upload, partNumber, received, now);
  } catch (failure) {
    await store.discard(received);
    if (failure instanceof UploadGoneError) throw obsErrors.noSuchUpload();
    throw failure;
  }
  return { status: 200, headers: { ETag: `"${part.etag}"` } };
};

const unquote = (etag: string) => etag.replace(/^"(.*)"$/, "$1");

/**
 * obs_04_0102: the listed parts, in ascending order (else InvalidPartOrder), each uploaded with
 * that ETag (else InvalidPart), each but the last at least 100 KB (else EntityTooSmall); the
 * object's ETag is MD5(M1…Mn)-n over the parts' binary MD5s.
 */
export const completeMultipartUpload: ObsOperation = async (context) => {
  const { req, target, store, now, baseUrl } = context;
  const upload = namedUpload(context);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_COMPLETE_BODY_BYTES) throw obsErrors.malformedXml();
    chunks.push(chunk);
  }
  const requested = parseCompleteMultipartUpload(Buffer.concat(chunks).toString("utf8"));
  if (!requested) throw obsErrors.malformedXml();
  for (let i = 1; i < requested.length; i++) if (requested[i].partNumber <= requested[i - 1].partNumber) throw obsErrors.invalidPartOrder();
  const parts: StoredPart[] = requested.map(({ partNumber, etag }) => {
    const part = upload.parts.get(partNumber);
    if (!part || part.etag !== unquote(etag).toLowerCase()) throw obsErrors.invalidPart();
    return part;
  });
  if (parts.slice(0, -1).some((part) => part.size < MIN_PART_BYTES)) throw obsErrors.entityTooSmall();
  const md5s = Buffer.concat(parts.map((part) => Buffer.from(part.etag, "hex")));
  const etag = `${createHash("md5").update(md5s).digest("hex")}-${parts.length}`;
  try {
    await store.complete(upload, parts, etag, now);
  } catch (failure) {
    if (failure instanceof UploadGoneError) throw obsErrors.noSuchUpload();
    throw failure;
  }
  const encodedKey = target.key.split("/").map(encodeURIComponent).join("/");
  const location = target.style === "path" ? `${baseUrl}/${target.bucket}/${encodedKey}` : `http://${target.host}/${encodedKey}`;
  return {
    status: 200,
    xml: xmlDocument(["CompleteMultipartUploadResult", [["Location", location], ["Bucket", target.bucket], ["Key", target.key], ["ETag", `"${etag}"`]]]),
  };
};

export const abortMultipartUpload: ObsOperation = (context) => {
  const upload = namedUpload(context);
  context.store.abort(upload.uploadId);
  return { status: 204 };
};

const owner = (domainId: string): XmlNode => ["Owner", [["ID", domainId]]];

export const listParts: ObsOperation = (context) => {
  const { target, domainId } = context;
  const upload = namedUpload(context);
  const maxParts = maxParam(target.query["max-parts"], "max-parts");
  const markerText = target.query["part-number-marker"];
  if (markerText !== undefined && !/^\d{1,5}$/.test(markerText)) throw obsErrors.invalidArgument("part-number-marker must be a whole number");
  const marker = markerText === undefined ? 0 : Number(markerText);
  const after = [...upload.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const listed = after.slice(0, maxParts);
  const truncated = after.length > listed.length;
  return {
    status: 200,
    xml: xmlDocument([
      "ListPartsResult",
      [
        ["Bucket", upload.bucket],
        ["Key", upload.key],
        ["UploadId", upload.uploadId],
        ["Initiator", [["ID", upload.initiator]]],
        owner(domainId),
        ["StorageClass", "STANDARD"],
        ["PartNumberMarker", marker],
        ["NextPartNumberMarker", listed.length > 0 ? listed[listed.length - 1].partNumber : marker],
        ["MaxParts", maxParts],
        ["IsTruncated", truncated],
        ...listed.map(
          (part): XmlNode => ["Part", [["PartNumber", part.partNumber], ["LastModified", obsTime(part.lastModified)], ["ETag", `"${part.etag}"`], ["Size", part.size]]],
        ),
      ],
    ]),
  };
};

export const listMultipartUploads: ObsOperation = ({ target, store, domainId }) => {
  if (target.query.delimiter !== undefined) throw obsErrors.notImplemented("delimiter in ListMultipartUploads");
  const prefix = target.query.prefix ?? "";
  const keyMarker = target.query["key-marker"] ?? "";
  const uploadIdMarker = target.query["upload-id-marker"] ?? "";
  const maxUploads = maxParam(target.query["max-uploads"], "max-uploads");
  const after = store.listUploads(target.bucket, prefix).filter((u) => {
    const order = compareKeys(u.key, keyMarker);
    return keyMarker === "" || order > 0 || (order === 0 && uploadIdMarker !== "" && u.uploadId > uploadIdMarker);
  });
  const listed = after.slice(0, maxUploads);
  const last = listed[listed.length - 1];
  return {
    status: 200,
    xml: xmlDocument([
      "ListMultipartUploadsResult",
      [
        ["Bucket", target.bucket],
        ["KeyMarker", keyMarker],
        ["UploadIdMarker", uploadIdMarker],
        ["NextKeyMarker", last?.key ?? ""],
        ["NextUploadIdMarker", last?.uploadId ?? ""],
        target.query.prefix === undefined ? undefined : ["Prefix", prefix],
        ["MaxUploads", maxUploads],
        ["IsTruncated", after.length > listed.length],
        ...listed.map(
          (u): XmlNode => [
            "Upload",
            [["Key", u.key], ["UploadId", u.uploadId], ["Initiator", [["ID", u.initiator]]], owner(domainId), ["StorageClass", "STANDARD"], ["Initiated", obsTime(u.initiated)]],
          ],
        ),
      ],
    ]),
  };
};
