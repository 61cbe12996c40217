/**
 * The OBS object operations staging needs (OBS API reference, "Operations on Objects" and
 * "Operations on Multipart Uploads"), over the runtime's one transport (pacing, retries, 429s
 * waited out) with the OBS signature per attempt. Every answer is checked into a small typed
 * shape; anything else is a one-line error naming the call.
 */
import { Readable } from "node:stream";
import { SHA256_METADATA_HEADER } from "../../contract/staging";
import { Credentials } from "../credentials";
import { ApiError, ResponseShapeError } from "../errors";
import { rfc3986Encode } from "../signer";
import { HttpRequest, HttpResponse, RequestBody, RetryListener, Transport } from "../transport";
import { obsBucketPath, obsObjectPath, ObsBucketAddress } from "./obs-address";
import { xmlEscape } from "../../contract/xml-text";
import { xmlBlocks, xmlText } from "./obs-xml";

/** What a HEAD of an object says. */
export interface ObjectHead {
  readonly size: number;
  /** `x-obs-meta-sha256`, when the object has it. */
  readonly sha256?: string;
  /** Without quotes. */
  readonly etag?: string;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  /** ms since the epoch. */
  readonly lastModified: number;
}

export interface ListedUpload {
  readonly key: string;
  readonly uploadId: string;
  /** ms since the epoch. */
  readonly initiated: number;
}

export interface ListedPart {
  readonly partNumber: number;
  /** Without quotes, lower case. */
  readonly etag: string;
  readonly size: number;
}

/** Sub-resources of a call (signed, OBS API "Authentication of Signature in a Header"); undefined = no value. */
type SubResources = Readonly<Record<string, string | undefined>>;

interface ObsCall {
  readonly method: HttpRequest["method"];
  readonly address: ObsBucketAddress;
  /** "" for bucket-level calls. */
  readonly key: string;
  readonly subResources?: SubResources;
  /** Other query parameters (not signed). */
  readonly parameters?: Readonly<Record<string, string | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
}

/** Listing page size: the most OBS returns per page. */
const PAGE = 1000;

export class ObsClient {
  /** OBS calls sent (attempts included), for the summary. */
  requestCount = 0;

  /**
   * @param onRetry told about every retried OBS call instead of the transport's listener.
   * @default the transport's listener (one line per retry)
   */
  constructor(
    private readonly transport: Transport,
    private readonly credentials: Credentials,
    private readonly onRetry?: RetryListener,
  ) {}

  /** The object's size and recorded SHA-256, or undefined when there is no such object (404). */
  async headObject(address: ObsBucketAddress, key: string): Promise<ObjectHead | undefined> {
    const { response, path } = await this.call({ method: "HEAD", address, key });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.error("HEAD", path, response);
    const size = Number(header(response, "content-length"));
    if (!Number.isSafeInteger(size) || size < 0) throw new ResponseShapeError("HEAD", path, `Content-Length ${JSON.stringify(header(response, "content-length"))} is not a size`, response.requestId);
    return { size, sha256: header(response, SHA256_METADATA_HEADER), etag: unquote(header(response, "etag")) };
  }

  /** One PUT of the whole object, its MD5 checked by OBS (Content-MD5), its SHA-256 recorded. */
  async putObject(address: ObsBucketAddress, key: string, body: RequestBody, md5Base64: string, sha256: string): Promise<void> {
    const headers = { "content-md5": md5Base64, "content-type": "application/octet-stream", [SHA256_METADATA_HEADER]: sha256 };
    const { response, path } = await this.call({ method: "PUT", address, key, headers, body });
    if (response.status !== 200) throw this.error("PUT", path, response);
  }

  /** Initiate a multipart upload (OBS API "Initiating a Multipart Upload"); the metadata is the object's. */
  async initiateMultipartUpload(address: ObsBucketAddress, key: string, sha256: string): Promise<string> {
    const headers = { "content-type": "application/octet-stream", [SHA256_METADATA_HEADER]: sha256 };
    const { response, path } = await this.call({ method: "POST", address, key, subResources: { uploads: undefined }, headers });
    if (response.status !== 200) throw this.error("POST", path, response);
    const uploadId = xmlText(response.text, "UploadId");
    if (!uploadId) throw new ResponseShapeError("POST", path, "no UploadId in the InitiateMultipartUploadResult", response.requestId);
    return uploadId;
  }

  /** Upload one part with its Content-MD5; resolves with the part's ETag (unquoted). */
  async uploadPart(address: ObsBucketAddress, key: string, uploadId: string, partNumber: number, body: RequestBody, md5Base64: string): Promise<string> {
    const subResources = { partNumber: String(partNumber), uploadId };
    const { response, path } = await this.call({ method: "PUT", address, key, subResources, headers: { "content-md5": md5Base64 }, body });
    if (response.status !== 200) throw this.error("PUT", path, response, `part ${partNumber}`);
    const etag = unquote(header(response, "etag"));
    if (!etag) throw new ResponseShapeError("PUT", path, `no ETag for part ${partNumber}`, response.requestId);
    return etag;
  }

  /** Complete a multipart upload from its parts, in part-number order. */
  async completeMultipartUpload(address: ObsBucketAddress, key: string, uploadId: string, parts: readonly { partNumber: number; etag: string }[]): Promise<void> {
    const xml =
      "<CompleteMultipartUpload>" +
      parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>"${xmlEscape(p.etag)}"</ETag></Part>`).join("") +
      "</CompleteMultipartUpload>";
    const bytes = Buffer.from(xml, "utf8");
    const body: RequestBody = { length: bytes.length, open: () => Readable.from([bytes]) };
    const { response, path } = await this.call({ method: "POST", address, key, subResources: { uploadId }, headers: { "content-type": "application/xml" }, body });
    // OBS may answer 200 with an <Error> body when completing fails late (as S3 documents).
    if (response.status !== 200 || /<Error>/.test(response.text)) throw this.error("POST", path, response, "complete");
  }

  /** Abort a multipart upload; an unknown upload (404, already gone) counts as aborted. */
  async abortMultipartUpload(address: ObsBucketAddress, key: string, uploadId: string): Promise<void> {
    const { response, path } = await this.call({ method: "DELETE", address, key, subResources: { uploadId } });
    if (response.status !== 204 && response.status !== 200 && response.status !== 404) throw this.error("DELETE", path, response, "abort");
  }

  /** Every part uploaded so far (OBS API "Listing Uploaded Parts"), all pages. */
  async listParts(address: ObsBucketAddress, key: string, uploadId: string): Promise<ListedPart[]> {
    const parts: ListedPart[] = [];
    let marker: string | undefined;
    for (;;) {
      const { response, path } = await this.call({ method: "GET", address, key, subResources: { uploadId }, parameters: { "max-parts": String(PAGE), "part-number-marker": marker } });
      if (response.status !== 200) throw this.error("GET", path, response, "list parts");
      for (const block of xmlBlocks(response.text, "Part")) {
        const partNumber = Number(xmlText(block, "PartNumber"));
        const size = Number(xmlText(block, "Size"));
        const etag = unquote(xmlText(block, "ETag"))?.toLowerCase();
        if (!Number.isSafeInteger(partNumber) || !Number.isSafeInteger(size) || !etag) throw new ResponseShapeError("GET", path, "a Part without PartNumber, Size or ETag", response.requestId);
        parts.push({ partNumber, size, etag });
      }
      marker = nextMarker(response, "NextPartNumberMarker", marker, path);
      if (marker === undefined) return parts;
    }
  }

  /** Multipart uploads in progress whose key starts with `prefix` (OBS API "Listing Initiated Multipart Uploads"), all pages. */
  async listMultipartUploads(address: ObsBucketAddress, prefix: string): Promise<ListedUpload[]> {
    const uploads: ListedUpload[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const parameters = { prefix, "max-uploads": String(PAGE), "key-marker": keyMarker, "upload-id-marker": uploadIdMarker };
      const { response, path } = await this.call({ method: "GET", address, key: "", subResources: { uploads: undefined }, parameters });
      if (response.status !== 200) throw this.error("GET", path, response, "list multipart uploads");
      for (const block of xmlBlocks(response.text, "Upload")) {
        const key = xmlText(block, "Key");
        const uploadId = xmlText(block, "UploadId");
        if (key === undefined || !uploadId) throw new ResponseShapeError("GET", path, "an Upload without Key or UploadId", response.requestId);
        uploads.push({ key, uploadId, initiated: Date.parse(xmlText(block, "Initiated") ?? "") });
      }
      if (xmlText(response.text, "IsTruncated") !== "true") return uploads;
      const nextKey = xmlText(response.text, "NextKeyMarker");
      const nextId = xmlText(response.text, "NextUploadIdMarker");
      if (nextKey === undefined || (nextKey === keyMarker && nextId === uploadIdMarker)) throw new ResponseShapeError("GET", path, "IsTruncated without a new NextKeyMarker", response.requestId);
      keyMarker = nextKey;
      uploadIdMarker = nextId;
    }
  }

  /** One page of objects whose key starts with `prefix`, after `marker` (OBS API "Listing Objects in a Bucket"). */
  async listObjectsPage(address: ObsBucketAddress, prefix: string, marker: string | undefined): Promise<{ objects: ListedObject[]; next?: string }> {
    const { response, path } = await this.call({ method: "GET", address, key: "", parameters: { prefix, marker, "max-keys": String(PAGE) } });
    if (response.status !== 200) throw this.error("GET", path, response, "list objects");
    const objects: ListedObject[] = [];
    for (const block of xmlBlocks(response.text, "Contents")) {
      const key = xmlText(block, "Key");
      const size = Number(xmlText(block, "Size"));
      if (key === undefined || !Number.isSafeInteger(size)) throw new ResponseShapeError("GET", path, "a Contents entry without Key or Size", response.requestId);
      objects.push({ key, size, lastModified: Date.parse(xmlText(block, "LastModified") ?? "") });
    }
    if (xmlText(response.text, "IsTruncated") !== "true") return { objects };
    // OBS sends NextMarker when a delimiter is given; without one the last key is the marker.
    const next = xmlText(response.text, "NextMarker") || objects[objects.length - 1]?.key;
    if (next === undefined || next === marker) throw new ResponseShapeError("GET", path, "IsTruncated without a new marker", response.requestId);
    return { objects, next };
  }

  /** Delete an object; an absent one (404) counts as deleted. */
  async deleteObject(address: ObsBucketAddress, key: string): Promise<void> {
    const { response, path } = await this.call({ method: "DELETE", address, key });
    if (response.status !== 204 && response.status !== 200 && response.status !== 404) throw this.error("DELETE", path, response);
  }

  private async call(call: ObsCall): Promise<{ response: HttpResponse; path: string }> {
    const path = call.key === "" ? obsBucketPath(call.address) : obsObjectPath(call.address, call.key);
    const query = [
      ...Object.entries(call.subResources ?? {}).map(([name, value]) => (value === undefined ? rfc3986Encode(name) : `${rfc3986Encode(name)}=${rfc3986Encode(value)}`)),
      ...Object.entries(call.parameters ?? {}).flatMap(([name, value]) => (value === undefined ? [] : [`${rfc3986Encode(name)}=${rfc3986Encode(value)}`])),
    ].join("&");
    const response = await this.transport.send(call.address.origin, {
      method: call.method,
      path,
      rawQuery: query,
      headers: call.headers,
      body: call.body,
      onRetry: this.onRetry,
      authorize: (headers, now) =>
        this.credentials.authorizeObs({ method: call.method, bucket: call.address.bucket, key: call.key, query: call.subResources, headers }, now),
    });
    this.requestCount += response.attempts;
    return { response, path };
  }

  private error(method: string, path: string, response: HttpResponse, what?: string): ApiError {
    const code = xmlText(response.text, "Code") ?? header(response, "x-obs-error-code");
    const message = xmlText(response.text, "Message") ?? header(response, "x-obs-error-message");
    const requestId = response.requestId ?? xmlText(response.text, "RequestId");
    return new ApiError({
      method,
      path: what ? `${path} (${what})` : path,
      status: response.status,
      code,
      message: message ?? (response.text && !response.text.startsWith("<") ? response.text.slice(0, 200) : undefined),
      requestId,
      attempts: response.attempts,
      hint: obsHint(response.status, code),
    });
  }
}

/** What to do next after an OBS error (OBS API "Error Codes"). */
export function obsHint(status: number, code: string | undefined): string {
  if (code === "NoSuchBucket") return "the staging bucket does not exist: create it, or fix `staging`";
  if (code === "InvalidAccessKeyId" || code === "SignatureDoesNotMatch" || code === "RequestTimeTooSkewed" || status === 401) {
    return "check the AK/SK (HW_ACCESS_KEY/HW_SECRET_KEY, HW_SECURITY_TOKEN for temporary ones) and the machine's clock";
  }
  // A HEAD answer has no body: a 403 without a code may be either.
  if (status === 403 && code === undefined) return "check the AK/SK and the machine's clock, or the credentials lack OBS permissions on the staging bucket";
  if (status === 403) return "the credentials lack OBS permissions on the staging bucket (PutObject, GetObject, ListBucket, ListMultipartUploads…)";
  if (status === 429 || status >= 500) return "OBS kept failing within the retry bounds (DLI_PACKAGES_MAX_ATTEMPTS, DLI_PACKAGES_RETRY_TOTAL_MS); re-run later";
  return "";
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unquote(etag: string | undefined): string | undefined {
  return etag?.replace(/^"(.*)"$/, "$1");
}

function nextMarker(response: HttpResponse, tag: string, previous: string | undefined, path: string): string | undefined {
  if (xmlText(response.text, "IsTruncated") !== "true") return undefined;
  const next = xmlText(response.text, tag);
  if (!next || next === previous) throw new ResponseShapeError("GET", path, `IsTruncated without a new ${tag}`, response.requestId);
  return next;
}
