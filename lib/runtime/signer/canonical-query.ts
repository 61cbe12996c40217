import { rfc3986Encode, safeDecode } from "./rfc3986";

/**
 * dli-api.md §4.1 step 2: `key=value` pairs sorted by key (repeated keys: by value), both
 * RFC 3986-encoded, joined by `&`; an empty value gives `key=` (Go/Python behaviour).
 * Takes the raw query string as sent (without `?`).
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  const pairs = rawQuery
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      const key = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? "" : part.slice(eq + 1);
      return [rfc3986Encode(safeDecode(key.replace(/\+/g, "%20"))), rfc3986Encode(safeDecode(value.replace(/\+/g, "%20")))] as const;
    });
  pairs.sort(([ka, va], [kb, vb]) => (ka === kb ? compare(va, vb) : compare(ka, kb)));
  return pairs.map(([key, value]) => `${key}=${value}`).join("&");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Build a raw query string from parameters, encoded the same way the canonical form is. */
export function buildQuery(params: Readonly<Record<string, string | readonly string[] | undefined>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value as string]) {
      parts.push(`${rfc3986Encode(key)}=${rfc3986Encode(item)}`);
    }
  }
  return parts.join("&");
}
