/**
 * Which OBS operation a request is: method + bucket-or-object + sub-resources (the query
 * parameters OBS signs, lib/runtime/signer/obs). What dli-local does not emulate is answered
 * 501 NotImplemented (s3rver's rule), an unknown method 405 MethodNotAllowed.
 */
import { OBS_SUB_RESOURCES } from "../../runtime/signer/obs";
import { ObsError, obsErrors } from "./errors";
import { listObjects } from "./list-objects";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  initiateMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from "./multipart";
import { deleteObject, getObject, headObject, putObject } from "./objects";
import { ObsOperation } from "./operation";
import { ObsTarget } from "./request";

export interface ObsRoute {
  /** OBS API name: request log, throttling and fault overrides (`faults.routes.PutObject`). */
  readonly api: string;
  readonly handler: ObsOperation;
}

/** The OBS API names dli-local answers (fault overrides may name them). */
export const OBS_API_NAMES = [
  "PutObject",
  "HeadObject",
  "GetObject",
  "DeleteObject",
  "InitiateMultipartUpload",
  "UploadPart",
  "CompleteMultipartUpload",
  "AbortMultipartUpload",
  "ListParts",
  "ListMultipartUploads",
  "ListObjects",
  "HeadBucket",
] as const;

const headBucket: ObsOperation = () => ({ status: 200 });

const OBJECT_ROUTES: Record<string, Record<string, [string, ObsOperation]>> = {
  PUT: { "": ["PutObject", putObject], "partNumber&uploadId": ["UploadPart", uploadPart] },
  POST: { uploads: ["InitiateMultipartUpload", initiateMultipartUpload], uploadId: ["CompleteMultipartUpload", completeMultipartUpload] },
  DELETE: { "": ["DeleteObject", deleteObject], uploadId: ["AbortMultipartUpload", abortMultipartUpload] },
  GET: { "": ["GetObject", getObject], uploadId: ["ListParts", listParts] },
  HEAD: { "": ["HeadObject", headObject] },
};

const BUCKET_ROUTES: Record<string, Record<string, [string, ObsOperation]>> = {
  GET: { "": ["ListObjects", listObjects], uploads: ["ListMultipartUploads", listMultipartUploads] },
  HEAD: { "": ["HeadBucket", headBucket] },
};

const KNOWN_METHODS = new Set(["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"]);

/** The route of a request, or the error it is answered with (after authentication). */
export function obsRoute(method: string, target: ObsTarget): ObsRoute | { readonly api: string; readonly error: ObsError } {
  const subResources = Object.keys(target.query)
    .filter((name) => OBS_SUB_RESOURCES.has(name.toLowerCase()))
    .sort();
  const table = target.key === "" ? BUCKET_ROUTES : OBJECT_ROUTES;
  const found = table[method]?.[subResources.join("&")];
  if (found) return { api: found[0], handler: found[1] };
  if (!KNOWN_METHODS.has(method)) return { api: "Unsupported", error: obsErrors.methodNotAllowed() };
  const what = `${method} on ${target.key === "" ? "a bucket" : "an object"}${subResources.length > 0 ? ` with ?${subResources.join("&")}` : ""}`;
  return { api: "Unsupported", error: obsErrors.notImplemented(what) };
}
