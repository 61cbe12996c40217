/**
 * The user documentation as the tests read it: README.md and every page of docs/ (the files the
 * npm package ships), their fenced blocks with the line they start on, and GitHub's heading
 * anchors.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..", "..");

/** README.md, then docs/*.md in name order, as paths relative to the repository root. */
export function docFiles(): string[] {
  const pages = readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...pages];
}

/** The text of one documentation file (path relative to the repository root). */
export function readDoc(file: string): string {
  return readFileSync(join(ROOT, file), "utf8");
}

export interface FencedBlock {
  /** The file it is in, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The info string (`ts`, `bash`, `yaml`, …), empty when there is none. */
  readonly info: string;
  /** The lines between the fences, with a final newline. */
  readonly source: string;
}

/** Every fenced code block of `markdown` (indented ones too, as in a list item), in order. */
export function fencedBlocks(file: string, markdown: string): FencedBlock[] {
  const lines = markdown.split("\n");
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].trimStart().startsWith(open[2]); i++) body.push(lines[i].startsWith(open[1]) ? lines[i].slice(open[1].length) : lines[i]);
    blocks.push({ file, line: start + 1, info: open[3], source: `${body.join("\n")}\n` });
  }
  return blocks;
}

/** The markdown with every fenced block's lines blanked (line numbers kept) and inline code spans removed. */
export function proseOf(markdown: string): string {
  const lines = markdown.split("\n");
  let fence: string | undefined;
  return lines
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === undefined && marker) {
        fence = marker;
        return "";
      }
      if (fence !== undefined) {
        if (marker && marker.startsWith(fence[0]) && marker.length >= fence.length) fence = undefined;
        return "";
      }
      return line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, "");
    })
    .join("\n");
}

/**
 * GitHub's anchor for a heading text: the rendered text lower-cased, every character that is not
 * a letter, a number, a space, `-` or `_` removed, each space replaced by `-`; a repeated anchor
 * gets `-1`, `-2`, … (github/cmark-gfm's and github-slugger's rules).
 */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // links and images: their text
    .replace(/<[^>]+>/g, ""); // inline HTML tags
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a file's headings define, duplicates numbered as GitHub numbers them. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseOfHeadings(markdown)) {
    const base = githubSlug(line);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The text of every ATX heading outside fenced blocks (code spans kept: their text is part of the anchor). */
function proseOfHeadings(markdown: string): string[] {
  const headings: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) {
      fence = marker;
      continue;
    }
    if (fence !== undefined) {
      if (marker && marker.startsWith(fence[0]) && marker.length >= fence.length) fence = undefined;
      continue;
    }
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) headings.push(heading[1]);
  }
  return headings;
}

export interface LinkProblem {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly problem: string;
}

/**
 * Every inline link `[text](target)` of `markdown` outside code whose target is relative (no
 * scheme): the file or directory must exist, relative to `file`'s directory, and a `#anchor`
 * must be a heading anchor of the markdown file it names (or of `file` itself).
 * `readMarkdown` reads a file relative to the repository root, undefined when it does not exist.
 */
export function checkLinks(file: string, markdown: string, readMarkdown: (path: string) => string | undefined, exists: (path: string) => boolean): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
  proseOf(markdown)
    .split("\n")
    .forEach((text, index) => {
      for (const match of text.matchAll(/\]\(([^()\s]*)(?:\s+"[^"]*")?\)/g)) {
        const target = match[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
        const [pathPart, anchor] = target.split("#", 2) as [string, string | undefined];
        const path = pathPart === "" ? file : normalize(dir, decodeURIComponent(pathPart));
        const where = { file, line: index + 1, target };
        if (path === undefined || !exists(path)) {
          problems.push({ ...where, problem: `no such file: ${path ?? pathPart}` });
          continue;
        }
        if (anchor === undefined) continue;
        const page = path.endsWith(".md") ? readMarkdown(path) : undefined;
        if (page === undefined) problems.push({ ...where, problem: `#${anchor} points into ${path}, which is not a markdown file` });
        else if (!anchorsOf(page).has(anchor)) problems.push({ ...where, problem: `no heading with anchor #${anchor} in ${path} (its anchors: ${[...anchorsOf(page)].join(", ")})` });
      }
    });
  return problems;
}

/** `relative` resolved against `dir` (both relative to the repository root); undefined when it leaves the repository. */
function normalize(dir: string, relative: string): string | undefined {
  const parts = dir === "" ? [] : dir.split("/");
  for (const part of relative.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}
