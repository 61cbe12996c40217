import { ObsSignableRequest } from "./signable-request";

/** The prefix of the headers that OBS signs (obs_04_0010, CanonicalizedHeaders). */
export const OBS_HEADER_PREFIX = "x-obs-";

/**
 * CanonicalizedHeaders (obs_04_0010, Table 1): every `x-obs-*` header, name in lower case,
 * sorted by name; a name given more than once is one line whose values are joined with `,`;
 * meaningless leading and trailing spaces of a value are dropped; each line `name:value\n`.
 * Empty when the request has no `x-obs-*` header.
 */
export function obsCanonicalizedHeaders(request: ObsSignableRequest): string {
  const merged = new Map<string, string[]>();
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith(OBS_HEADER_PREFIX) || value === undefined) continue;
    const values = Array.isArray(value) ? (value as readonly string[]) : [value as string];
    merged.set(lower, [...(merged.get(lower) ?? []), ...values.map((v) => v.trim())]);
  }
  return [...merged.keys()]
    .sort()
    .map((name) => `${name}:${merged.get(name)!.join(",")}\n`)
    .join("");
}
