import { rfc3986Encode, safeDecode } from "./rfc3986";

/**
 * dli-api.md §4.1 step 2: each path segment RFC 3986-encoded, re-joined, and a trailing `/`
 * appended when missing ("during signature calculation, the URI must end with a slash").
 * Takes the path as it appears on the wire (percent-encoded); each segment is decoded first so
 * that client and verifier agree however the sender escaped it.
 */
export function canonicalUri(rawPath: string): string {
  const encoded = rawPath
    .split("/")
    .map((segment) => rfc3986Encode(safeDecode(segment)))
    .join("/");
  const withLeadingSlash = encoded.startsWith("/") ? encoded : `/${encoded}`;
  return withLeadingSlash.endsWith("/") ? withLeadingSlash : `${withLeadingSlash}/`;
}
