/**
 * Percent-encode everything except the RFC 3986 unreserved set `A-Z a-z 0-9 - _ . ~`, hex in
 * upper case, as the Go and Python SDKs do (dli-api.md §4.1). `encodeURIComponent` alone
 * would leave `! ' ( ) *` bare, like the Node SDK, and produce a different signature.
 */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decode a percent-encoded URL component; a malformed escape is kept as it is. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
