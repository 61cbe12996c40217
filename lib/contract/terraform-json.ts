/**
 * Terraform's `jsonencode` of a map of strings, byte for byte: how the provisioners receive the
 * spec (`DLI_PACKAGES_SPEC = "${jsonencode(self.triggers_replace)}"`), so the constructs can
 * tell at synth time how long that environment string will be.
 *
 * Terraform encodes with Go's `encoding/json`: keys sorted, no spaces, and besides `"` and `\`
 * it escapes `<`, `>`, `&`, U+2028 and U+2029 as `\u003c`, `\u003e`, `\u0026`, `\u2028`,
 * `\u2029` (documented for `jsonencode`; test/contract/terraform-json.test.ts compares with a
 * real `terraform apply`). Control characters cannot be in a valid spec (every field's rule
 * refuses them); they are written the way Go 1.22+ writes them (`\b`, `\f`, `\n`, `\r`, `\t`, else `\u00XX`).
 */

/** `jsonencode(map)` as Terraform writes it. */
export function terraformJsonEncode(map: Readonly<Record<string, string>>): string {
  // Go sorts map keys by their UTF-8 bytes; for the ASCII trigger keys that is the default
  // (UTF-16 code unit) order.
  const keys = Object.keys(map).sort();
  return `{${keys.map((key) => `${encodeString(key)}:${encodeString(map[key])}`).join(",")}}`;
}

// Everything Go's encoder escapes: C0 controls, '"', '\', '<', '>', '&', U+2028, U+2029, and
// lone UTF-16 surrogates (Go reads one as U+FFFD and writes that character as is; pairs are kept).
// eslint-disable-next-line no-control-regex
const ESCAPED = /[\u0000-\u001f"\\<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function encodeString(text: string): string {
  return `"${String(text).replace(ESCAPED, escapeOne)}"`;
}

function escapeOne(c: string): string {
  switch (c) {
    case '"':
      return '\\"';
    case "\\":
      return "\\\\";
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    case "\b":
      return "\\b";
    case "\f":
      return "\\f";
  }
  const code = c.charCodeAt(0);
  // What else reaches here: C0 controls, '<', '>', '&', U+2028, U+2029, and lone surrogates (the
  // only matches at or above U+D800).
  if (code >= 0xd800) return "\ufffd";
  return `\\u${code.toString(16).padStart(4, "0")}`;
}
