/**
 * The documentation holds together (issue 18): README.md stays a five-minute read, every page
 * of the docs/ manual starts with its title and a one-line summary and is listed in the index,
 * every relative link and `#anchor` in README.md and docs/ resolves under GitHub's anchor rules,
 * and the packed tarball ships all of it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { packThisPackage } from "./support/consumer-app";
import { anchorsOf, checkLinks, docFiles, githubSlug, readDoc, ROOT } from "./support/docs";

const FILES = docFiles();
const read = (path: string) => (existsSync(join(ROOT, path)) ? readDoc(path) : undefined);
const exists = (path: string) => existsSync(join(ROOT, path));

test("the manual has a page per topic a user looks up", () => {
  expect(FILES).toEqual(
    expect.arrayContaining([
      "README.md",
      "docs/README.md",
      "docs/lifecycle.md",
      "docs/ci-and-runners.md",
      "docs/drift.md",
      "docs/cli.md",
      "docs/emulator.md",
      "docs/troubleshooting.md",
      "docs/benchmarks.md",
      "docs/design-notes.md",
    ]),
  );
});

test.each([...FILES, "CHANGELOG.md"])("%s: every relative link and #anchor resolves", (file) => {
  expect(checkLinks(file, readDoc(file), read, exists)).toEqual([]);
});

test("the packed tarball ships README.md, every page of docs/ and CHANGELOG.md", () => {
  const { tarball } = packThisPackage();
  try {
    const listed = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").map((entry) => entry.replace(/^package\//, ""));
    expect(listed).toEqual(expect.arrayContaining([...FILES, "CHANGELOG.md"]));
  } finally {
    rmSync(dirname(tarball), { recursive: true, force: true });
  }
}, 60_000);

test("README.md is at most 15 KB", () => {
  expect(Buffer.byteLength(readDoc("README.md"))).toBeLessThanOrEqual(15 * 1024);
});

test.each(FILES.filter((file) => file.startsWith("docs/")))("%s starts with its title and a one-line summary", (file) => {
  const [title, blank, summary, after] = readDoc(file).split("\n");
  expect(title).toMatch(/^# \S/);
  expect(blank).toBe("");
  expect(summary).toMatch(/^[A-Z`].*[.:)]$/);
  expect(after).toBe("");
});

test("the index (docs/README.md) links every page of docs/", () => {
  const index = readDoc("docs/README.md");
  for (const file of FILES.filter((f) => f.startsWith("docs/") && f !== "docs/README.md")) expect(index).toContain(`](${file.slice("docs/".length)})`);
});

test("the README's map (## Documentation) links every page of docs/", () => {
  const map = readDoc("README.md").split(/^## Documentation$/m)[1]?.split(/^## /m)[0] ?? "";
  for (const file of FILES.filter((f) => f.startsWith("docs/"))) expect(map).toContain(`](${file})`);
});

test("the README's exit-code table is the one in docs/cli.md", () => {
  const table = (text: string) => /^## Exit codes\n[\s\S]*?(^\| code \|[\s\S]*?)\n\n/m.exec(text)?.[1];
  expect(table(readDoc("README.md"))).toBeDefined();
  expect(table(readDoc("README.md"))).toBe(table(readDoc("docs/cli.md")));
});

test("CHANGELOG.md: every entry is in a version's section, none hidden in a comment, and the version in package.json has one", () => {
  const changelog = readDoc("CHANGELOG.md");
  const comments = changelog.match(/<!--[\s\S]*?-->/g) ?? [];
  for (const comment of comments) expect(comment).not.toMatch(/^\s*- /m);
  const { version } = require("../../package.json") as { version: string };
  expect(changelog).toMatch(new RegExp(`^## \\[${version.replace(/\./g, "\\.")}\\]`, "m"));
  const beforeFirstVersion = changelog.replace(/<!--[\s\S]*?-->/g, "").split(/^## \[/m)[0];
  expect(beforeFirstVersion).not.toMatch(/^\s*- /m);
});

describe("the checker can fail", () => {
  test("GitHub's slugs: code spans, punctuation and duplicates", () => {
    expect(githubSlug("Drift: `diff`, `--repair`, `--orphans`, delete by name")).toBe("drift-diff---repair---orphans-delete-by-name");
    expect(githubSlug("One source, two cores (cdktf 0.21 and CDK Terrain / cdktn 0.24)")).toBe("one-source-two-cores-cdktf-021-and-cdk-terrain--cdktn-024");
    expect(githubSlug("The runtime CLI: `dli-packages`")).toBe("the-runtime-cli-dli-packages");
    expect([...anchorsOf("# A\n## A\n```bash\n# not a heading\n```\n### A\n")]).toEqual(["a", "a-1", "a-2"]);
  });

  test("a missing file, a missing anchor and an anchor into a non-markdown file are reported; code is not a link", () => {
    const markdown = [
      "[ok](a.md#exit-codes) [ok](#here) [ok](../schemas/x.json) [web](https://example.com/#nope)",
      "[gone](c.md) [anchor](a.md#exit-code) [json](../schemas/x.json#x) [up](../../outside.md)",
      "`[code](nowhere.md)`",
      "```md",
      "[fenced](nowhere.md)",
      "```",
      "## Here",
    ].join("\n");
    const pages: Record<string, string> = { "docs/a.md": "# A\n\n## Exit codes\n", "docs/b.md": markdown, "schemas/x.json": "{}" };
    const problems = checkLinks("docs/b.md", markdown, (path) => (path.endsWith(".md") ? pages[path] : undefined), (path) => path in pages);
    expect(problems.map((p) => `${p.line} ${p.target}`)).toEqual(["2 c.md", "2 a.md#exit-code", "2 ../schemas/x.json#x", "2 ../../outside.md"]);
  });
});
