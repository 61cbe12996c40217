/**
 * The parts of an OBS request that its signature covers (OBS API reference, "Authentication of
 * Signature in a Header", obs_04_0010: StringToSign = HTTP-Verb, Content-MD5, Content-Type, Date,
 * CanonicalizedHeaders, CanonicalizedResource).
 */
export interface ObsSignableRequest {
  /** HTTP method, e.g. `PUT`. */
  readonly method: string;
  /** Bucket name, e.g. `dli-test`; empty only for service-level calls (ListBuckets). */
  readonly bucket: string;
  /** Object key, raw (not URI-encoded); `""` for bucket-level calls. */
  readonly key: string;
  /**
   * Query parameters as sent, decoded; only the documented sub-resources (`uploads`, `uploadId`,
   * `partNumber`, …) are signed. `undefined` (or `""`) = a parameter without a value (`?uploads`).
   */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /**
   * Request headers, names in any case. `content-md5`, `content-type`, `date` / `x-obs-date` and
   * every `x-obs-*` are signed. A header given more than once (an array, or the same name in two
   * cases) is one header whose values are joined with `,`.
   */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** Every value of a header (case-insensitive name), in the order given; empty when absent. */
export function obsHeaderValues(request: ObsSignableRequest, name: string): string[] {
  const lower = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    if (Array.isArray(value)) values.push(...(value as readonly string[]));
    else values.push(value as string);
  }
  return values;
}
