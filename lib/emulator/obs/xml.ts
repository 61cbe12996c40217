/**
 * The little XML dli-local's OBS speaks: responses built from nested [name, content] pairs, and
 * the one request body it reads (CompleteMultipartUpload). OBS answers with
 * `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` and the 2015-06-30 namespace on the
 * root element (OBS API reference, e.g. obs_04_0022 "Listing Objects in a Bucket", response syntax).
 */
import { xmlDecodeEntities, xmlEscape } from "../../contract/xml-text";

/** The namespace of OBS response documents. */
export const OBS_XML_NAMESPACE = "http://obs.myhwclouds.com/doc/2015-06-30/";

/** An element: `[name, text]`, `[name, children]`; `undefined` children are left out. */
export type XmlNode = readonly [string, string | number | boolean | readonly (XmlNode | undefined)[]];

function render(node: XmlNode): string {
  const [name, content] = node;
  if (Array.isArray(content)) {
    return `<${name}>${(content as readonly (XmlNode | undefined)[]).filter((c): c is XmlNode => c !== undefined).map(render).join("")}</${name}>`;
  }
  return `<${name}>${xmlEscape(String(content))}</${name}>`;
}

/** A whole response document; `namespaced` puts the OBS namespace on the root (results, not errors). */
export function xmlDocument(root: XmlNode, namespaced = true): string {
  const body = render(root);
  const withNamespace = namespaced ? body.replace(`<${root[0]}>`, `<${root[0]} xmlns="${OBS_XML_NAMESPACE}">`) : body;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${withNamespace}`;
}

/** One `<Part>` of a CompleteMultipartUpload body, as sent. */
export interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
}

/**
 * Parts of a `<CompleteMultipartUpload><Part><PartNumber>n</PartNumber><ETag>e</ETag></Part>…`
 * body (OBS API obs_04_0102, request elements), in the order sent; undefined when the body is
 * not that document (→ MalformedXML).
 */
export function parseCompleteMultipartUpload(body: string): RequestedPart[] | undefined {
  const text = body.replace(/^\uFEFF/, "").replace(/<\?xml[^>]*\?>/, "").trim();
  const root = /^<CompleteMultipartUpload(\s[^>]*)?>([\s\S]*)<\/CompleteMultipartUpload>$/.exec(text);
  if (!root) return undefined;
  const parts: RequestedPart[] = [];
  let rest = root[2].trim();
  while (rest !== "") {
    const part = /^<Part>\s*([\s\S]*?)\s*<\/Part>\s*/.exec(rest);
    if (!part) return undefined;
    const fields = new Map<string, string>();
    let inner = part[1];
    while (inner !== "") {
      const field = /^<(PartNumber|ETag)>([^<]*)<\/\1>\s*/.exec(inner);
      if (!field || fields.has(field[1])) return undefined;
      fields.set(field[1], xmlDecodeEntities(field[2]).trim());
      inner = inner.slice(field[0].length);
    }
    const numberText = fields.get("PartNumber");
    const etag = fields.get("ETag");
    if (numberText === undefined || etag === undefined || !/^\d{1,5}$/.test(numberText)) return undefined;
    parts.push({ partNumber: Number(numberText), etag });
    rest = rest.slice(part[0].length);
  }
  return parts.length === 0 ? undefined : parts;
}
