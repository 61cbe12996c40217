/** Headers as a plain map; names in any case, values as sent. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Look a header up case-insensitively; repeated values are joined with `,`. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower && value !== undefined) return Array.isArray(value) ? value.join(",") : (value as string);
  }
  return undefined;
}

/** SignedHeaders: lower-case names, sorted, joined by `;` (dli-api.md §4.1 step 2). */
export function signedHeadersList(names: readonly string[]): string {
  return [...new Set(names.map((n) => n.toLowerCase()))].sort().join(";");
}

/**
 * CanonicalHeaders: `name:trimmed value\n` for each signed header, sorted by name. The block
 * ends with `\n`, which is why the canonical request has an empty line before SignedHeaders.
 * Returns undefined for the name of a signed header that is absent.
 */
export function canonicalHeaders(headers: HeaderMap, signedHeaders: string): { text: string } | { missing: string } {
  let text = "";
  for (const name of signedHeaders.split(";")) {
    const value = headerValue(headers, name);
    if (value === undefined) return { missing: name };
    text += `${name}:${value.trim()}\n`;
  }
  return { text };
}
