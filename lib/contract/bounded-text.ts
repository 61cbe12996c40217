/**
 * Bounded, single-line text for everything printed to a person (issue 11 §3): one error or
 * progress line stays ≤ ~2 KB whatever the input holds. Used by the constructs' errors and by
 * the runtime's errors and progress lines, so both cut and escape the same way.
 */

/** Longest rendering of one value inside a message. */
export const MAX_VALUE_CHARS = 200;
/** Problems listed in one error before "… and N more". */
export const MAX_LISTED_PROBLEMS = 10;
/** Names listed in one line (the `done:` summary, extra/missing names) before "… and N more". */
export const MAX_LISTED_NAMES = 20;
/** Upper bound of one printed line, in characters. */
export const MAX_LINE_CHARS = 2048;

/** C0 controls, DEL and the C1 controls / line separators that terminals treat as breaks. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Control characters as visible escapes (`\r`, `\n`, `\u0000`), so a value can never start a new line. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** Cut to `max` characters with an ellipsis that says how much was left out. */
export function cut(text: string, max: number = MAX_VALUE_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} chars)`;
}

/** A value as it appears in a message: strings JSON-quoted, escaped and cut. */
export function renderValue(value: unknown, max: number = MAX_VALUE_CHARS): string {
  if (value === undefined) return "undefined";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return cut(escapeControl(text), max);
}

/** A plain name (package, group) for a list: escaped and cut, not quoted. */
export function renderName(name: string, max: number = MAX_VALUE_CHARS): string {
  return cut(escapeControl(name), max);
}

/** Package or group names, escaped, cut and at most {@link MAX_LISTED_NAMES} of them. */
export function listNames(names: readonly string[], max: number = MAX_LISTED_NAMES): string {
  const rest = names.length - Math.min(names.length, max);
  return names.slice(0, max).map((n) => renderName(n)).join(", ") + (rest > 0 ? `, … and ${rest} more` : "");
}

/** One line, at most `max` characters: control characters escaped, the end cut. */
export function boundedLine(text: string, max: number = MAX_LINE_CHARS): string {
  return cut(escapeControl(text), max);
}
