/**
 * Text inside the XML elements OBS speaks, both ways: escaping for element content and decoding
 * the five predefined entities and numeric character references. Shared by the runtime's OBS
 * client and dli-local's OBS (the only code both may share is the contract's).
 */

const PREDEFINED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };

/** Escape text for element content. */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

/** Decode entities in element text; a numeric reference beyond U+10FFFF is left as written. */
export function xmlDecodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|apos|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (entity, name: string) => {
    if (name.startsWith("#")) {
      const code = name.startsWith("#x") ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return PREDEFINED[name];
  });
}
