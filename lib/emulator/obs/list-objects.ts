/**
 * ListObjects (obs_04_0022 "Listing Objects in a Bucket"): `prefix`, `marker` (keys after it),
 * `max-keys` (1 to 1000, more means 1000); `NextMarker` when the list is truncated; each
 * `Contents` with Key, LastModified, ETag, Size, Owner/ID and StorageClass, as the documented
 * response example; the `x-obs-bucket-location` response header.
 */
import { obsErrors } from "./errors";
import { ObsOperation } from "./operation";
import { obsTime } from "./multipart";
import { compareKeys } from "./store";
import { xmlDocument, XmlNode } from "./xml";

export const listObjects: ObsOperation = ({ target, store, domainId, region }) => {
  for (const name of ["delimiter", "encoding-type"]) if (target.query[name] !== undefined) throw obsErrors.notImplemented(`${name} in ListObjects`);
  const prefix = target.query.prefix ?? "";
  const marker = target.query.marker ?? "";
  const maxText = target.query["max-keys"];
  if (maxText !== undefined && !/^\d{1,9}$/.test(maxText)) throw obsErrors.invalidArgument(`max-keys must be a whole number from 1 to 1000, got ${JSON.stringify(maxText.slice(0, 40))}`);
  const maxKeys = maxText === undefined ? 1000 : Math.min(Number(maxText), 1000);
  const after = store.list(target.bucket, prefix).filter((o) => marker === "" || compareKeys(o.key, marker) > 0);
  const listed = after.slice(0, maxKeys);
  const truncated = after.length > listed.length;
  return {
    status: 200,
    headers: { "x-obs-bucket-location": region },
    xml: xmlDocument([
      "ListBucketResult",
      [
        ["Name", target.bucket],
        ["Prefix", prefix],
        ["Marker", marker],
        truncated && listed.length > 0 ? ["NextMarker", listed[listed.length - 1].key] : undefined,
        ["MaxKeys", maxKeys],
        ["IsTruncated", truncated],
        ...listed.map(
          (o): XmlNode => [
            "Contents",
            [["Key", o.key], ["LastModified", obsTime(o.lastModified)], ["ETag", `"${o.etag}"`], ["Size", o.size], ["Owner", [["ID", domainId]]], ["StorageClass", "STANDARD"]],
          ],
        ),
      ],
    ]),
  };
};
