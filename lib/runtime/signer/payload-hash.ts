import { createHash } from "node:crypto";
import { CONTENT_SHA256_HEADER } from "./constants";
import { HeaderMap, headerValue } from "./canonical-headers";

/** Lower-case hex SHA-256 of the exact body bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * dli-api.md §4.1 step 2: the body hash, unless `X-Sdk-Content-Sha256` is present, whose value
 * (e.g. `UNSIGNED-PAYLOAD`) is then used verbatim.
 */
export function payloadHash(headers: HeaderMap, body: string | Uint8Array | undefined): string {
  return headerValue(headers, CONTENT_SHA256_HEADER) ?? sha256Hex(body ?? "");
}
