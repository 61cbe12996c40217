/**
 * The little XML OBS speaks for the calls we use (OBS API "Listing Objects in a Bucket",
 * "Listing Initiated Multipart Uploads", "Listing Uploaded Parts", "Initiating a Multipart
 * Upload", error bodies): flat elements of text, some repeated inside a container element. Read
 * with a few bounded regular expressions rather than an XML library: no attributes, namespaces,
 * CDATA or nesting deeper than one container are needed, and a malformed answer reads as
 * missing fields, which the caller reports as an unexpected response.
 */

/** Text of the first `<tag>…</tag>` in `xml`, entities decoded; undefined when absent. */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml);
  return match ? decodeEntities(match[1]) : undefined;
}

/** The inner XML of every `<tag>…</tag>` container, in order. */
export function xmlBlocks(xml: string, tag: string): string[] {
  const blocks: string[] = [];
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "g");
  for (let match = pattern.exec(xml); match; match = pattern.exec(xml)) blocks.push(match[1]);
  return blocks;
}

/** Escape text for an XML element (the Complete Multipart Upload body). */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|apos|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (entity, name: string) => {
    if (name.startsWith("#")) {
      const code = name.startsWith("#x") ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return ({ lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' } as Record<string, string>)[name];
  });
}
