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
  const keys = Object.keys(map).sort(byCodeUnit);
  return `{${keys.map((key) => `${encodeString(key)}:${encodeString(map[key])}`).join(",")}}`;
}

/** Go sorts map keys by bytes; for the ASCII trigger keys that is code-unit order. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
  if (code >= 0xd800 && code <= 0xdfff) return "\ufffd";
  return `\\u${code.toString(16).padStart(4, "0")}`;
}
