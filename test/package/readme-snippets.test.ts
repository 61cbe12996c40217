/**
 * The README works as written (issue 10 §1): every ```ts block of README.md, unchanged, each in
 * its own file, type-checks in an app with the tsconfig `cdktf init --template=typescript`
 * generates (strict, noUnusedLocals, noUnusedParameters, module CommonJS → node10 resolution)
 * against the packed, installed package; and the synchronous jest example runs there with the
 * app's own jest and a real `terraform apply` (skipped with the reason when terraform is missing).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPackedApp, PackedApp, ROOT, typeCheckApp } from "./support/packed-app";
import { probeTerraform } from "../lifecycle/support/terraform";

interface Snippet {
  /** 1-based line of the opening fence in README.md. */
  readonly line: number;
  readonly source: string;
  /** File name in the app; jest-style blocks get `.test.ts`, as in a cdktf init app's `__tests__`. */
  readonly file: string;
}

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** Every fenced block whose info string is `ts` or `typescript`, with its README line. */
function typescriptSnippets(markdown: string): Snippet[] {
  const lines = markdown.split("\n");
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*(ts|typescript)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith(open[1]); i++) body.push(lines[i]);
    const source = `${body.join("\n")}\n`;
    const isTest = /^\s*(test|it|describe)\(/m.test(source);
    snippets.push({ line: start + 1, source, file: `readme-line-${start + 1}${isTest ? ".test" : ""}.ts` });
  }
  return snippets;
}

const snippets = typescriptSnippets(README);
let app: PackedApp;
let diagnostics: Map<string, string[]>;

beforeAll(() => {
  app = createPackedApp("readme");
  for (const snippet of snippets) writeFileSync(join(app.dir, snippet.file), snippet.source);
  diagnostics = typeCheckApp(app);
}, 120_000);
afterAll(() => app?.remove());

test("the extractor finds every ts fence of the README (quickstart, removal recipe, both jest examples)", () => {
  expect(snippets.length).toBe((README.match(/^```(ts|typescript)\s*$/gm) ?? []).length);
  expect(snippets.length).toBeGreaterThanOrEqual(4);
  expect(snippets.some((s) => s.source.includes("new LocalBackend(stack, { path: \"terraform.tfstate\" })"))).toBe(true);
  expect(diagnostics.get("(global)")).toBeUndefined();
});

test.each(snippets.map((s) => [s.line, s] as const))("README.md line %i: the ts block compiles unchanged in a cdktf init app", (_line, snippet) => {
  expect(diagnostics.get(snippet.file) ?? []).toEqual([]);
});

test("the check can fail: an unused import (the old quickstart's) is TS6133 under the same tsconfig", () => {
  writeFileSync(join(app.dir, "canary.ts"), `import { FilePackageGroup, JarPackageGroup } from "cdktf-dli-packages";\nexport const used = FilePackageGroup;\n`);
  writeFileSync(join(app.dir, "canary.tsconfig.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true, incremental: false }, include: [], files: ["canary.ts"] }));
  const result = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "canary.tsconfig.json", "--pretty", "false"], { cwd: app.dir, encoding: "utf8" });
  expect(result.stdout).toMatch(/canary\.ts\(1,\d+\): error TS6133: 'JarPackageGroup' is declared but its value is never read/);
});

const terraform = probeTerraform();
if (!terraform.ok) console.warn(`README jest example run skipped: ${terraform.reason}`);

(terraform.ok ? test : test.skip)("the README's synchronous jest example (execFileSync terraform apply, child-process emulator) passes in the app", () => {
  const example = snippets.find((s) => s.source.includes('execFileSync("terraform"') && s.source.includes('process: "child"'));
  expect(example).toBeDefined();
  const compiled = join(app.dir, example!.file.replace(/\.ts$/, ".js"));
  expect(existsSync(compiled)).toBe(true); // emitted by the app's tsc (noEmitOnError: every block compiled)
  const { JEST_WORKER_ID: _worker, ...env } = process.env;
  const result = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules", "jest", "bin", "jest.js"), "--ci", "--watchman=false", "--rootDir", app.dir, "--testMatch", `**/${example!.file.replace(/\.ts$/, ".js")}`],
    { cwd: app.dir, encoding: "utf8", env: { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" }, timeout: 180_000 },
  );
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0) throw new Error(`jest in the app failed (exit ${result.status ?? result.signal}):\n${output.slice(-4000)}`);
  expect(output).toMatch(/Tests:\s+1 passed, 1 total/);
}, 200_000);
