/**
 * The little XML OBS speaks for the calls we use (OBS API "Listing Objects in a Bucket",
 * "Listing Initiated Multipart Uploads", "Listing Uploaded Parts", "Initiating a Multipart
 * Upload", error bodies): flat elements of text, some repeated inside a container element. Read
 * with a few bounded regular expressions rather than an XML library: no attributes, namespaces,
 * CDATA or nesting deeper than one container are needed, and a malformed answer reads as
 * missing fields, which the caller reports as an unexpected response.
 */
import { xmlDecodeEntities } from "../../contract/xml-text";

/** Text of the first `<tag>…</tag>` in `xml`, entities decoded; undefined when absent. */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml);
  return match ? xmlDecodeEntities(match[1]) : undefined;
}

/** The inner XML of every `<tag>…</tag>` container, in order. */
export function xmlBlocks(xml: string, tag: string): string[] {
  const blocks: string[] = [];
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "g");
  for (let match = pattern.exec(xml); match; match = pattern.exec(xml)) blocks.push(match[1]);
  return blocks;
}
