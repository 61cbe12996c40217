import { rfc3986Encode } from "../rfc3986";
import { ObsSignableRequest } from "./signable-request";

/**
 * The query parameters that are sub-resources, hence signed (obs_04_0010, CanonicalizedResource:
 * "sub-resources such as acl, uploads, uploadId, partNumber, versionId, response-*, …"); the
 * list is the one esdk-obs-nodejs signs (lib/utils.js `allowedResourceParameterNames`), compared
 * in lower case. Other parameters (`prefix`, `marker`, `max-keys`, …) are not signed.
 */
export const OBS_SUB_RESOURCES: ReadonlySet<string> = new Set([
  "acl", "append", "attname", "backtosource", "bucketstatus", "cors", "customdomain", "delete",
  "deletebucket", "directcoldaccess", "encryption", "inventory", "length", "lifecycle", "location",
  "logging", "metadata", "mirrorbacktosource", "modify", "name", "notification", "object-lock",
  "obsalias", "obsbucketalias", "obscompresspolicy", "obsworkflowtriggerpolicy", "partnumber",
  "policy", "policystatus", "position", "publicaccessblock", "quota", "rename", "replication",
  "requestpayment", "response-cache-control", "response-content-disposition",
  "response-content-encoding", "response-content-language", "response-content-type",
  "response-expires", "restore", "retention", "storageclass", "storageinfo", "storagepolicy",
  "tagging", "torrent", "truncate", "uploadid", "uploads", "versionid", "versioning", "versions",
  "website", "x-image-process", "x-image-save-bucket", "x-image-save-object", "x-obs-security-token",
  "x-oss-process", "x-workflow-execution-state", "x-workflow-execution-type",
  "x-workflow-graph-name", "x-workflow-limit", "x-workflow-next-marker", "x-workflow-prefix",
  "x-workflow-start", "x-workflow-template-name",
]);

/**
 * The key as it appears in CanonicalizedResource: the request URI's form of it, each byte
 * percent-encoded except the RFC 3986 unreserved set and `/`, as esdk-obs-nodejs builds both the
 * URI and the resource it signs (lib/utils.js `encodeURIWithSafe(uri, '/')`). A verifier decodes
 * the wire path to the raw key and calls this, so client and server agree however a byte was sent.
 */
export function obsEncodeKey(key: string): string {
  return key
    .split("/")
    .map((segment) => rfc3986Encode(segment))
    .join("/");
}

/**
 * CanonicalizedResource (obs_04_0010, Table 1): `/bucket/key` (`/bucket/` for a bucket-level
 * call, `/` without a bucket), then the sub-resources sorted by name, `?name` or `?name=value`,
 * joined by `&`; values as they are (not encoded).
 */
export function obsCanonicalizedResource(request: ObsSignableRequest): string {
  const path = request.bucket === "" ? "/" : `/${request.bucket}/${obsEncodeKey(request.key)}`;
  const subResources = Object.entries(request.query ?? {})
    .filter(([name]) => OBS_SUB_RESOURCES.has(name.toLowerCase()))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => (value === undefined || value === "" ? name : `${name}=${value}`));
  return subResources.length === 0 ? path : `${path}?${subResources.join("&")}`;
}
