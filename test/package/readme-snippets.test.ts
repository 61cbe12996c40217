/**
 * The documentation works as written (issue 10 §1, issue 18 §3): every ```ts block of README.md
 * and docs/*.md, unchanged, each in its own file, type-checks in an app with the tsconfig
 * `cdktf init --template=typescript` generates (strict, noUnusedLocals, noUnusedParameters,
 * module CommonJS → node10 resolution) against the packed, installed package; the synchronous
 * and the awaited jest examples run there with the app's own jest and a real `terraform apply`
 * (skipped with the reason when terraform is missing); the emulator's command-line block runs
 * as a script.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPackedApp, PackedApp, ROOT, typeCheckApp } from "./support/packed-app";
import { docFiles, fencedBlocks, readDoc } from "./support/docs";
import { probeTerraform } from "../lifecycle/support/terraform";

interface Snippet {
  /** The file it is in (README.md, docs/….md) and the 1-based line of its opening fence. */
  readonly where: string;
  readonly source: string;
  /** File name in the app; jest-style blocks get `.test.ts`, as in a cdktf init app's `__tests__`. */
  readonly file: string;
}

const DOCS = docFiles().map((file) => ({ file, text: readDoc(file) }));

/** Every fenced block whose info string is `ts` or `typescript`, in README.md and docs/. */
function typescriptSnippets(): Snippet[] {
  return DOCS.flatMap(({ file, text }) =>
    fencedBlocks(file, text)
      .filter((block) => block.info === "ts" || block.info === "typescript")
      .map((block) => {
        const isTest = /^\s*(test|it|describe)\(/m.test(block.source);
        const stem = file.replace(/\.md$/, "").replace(/[^\w]+/g, "-").toLowerCase();
        return { where: `${file}:${block.line}`, source: block.source, file: `${stem}-line-${block.line}${isTest ? ".test" : ""}.ts` };
      }),
  );
}

const snippets = typescriptSnippets();
let app: PackedApp;
let diagnostics: Map<string, string[]>;

beforeAll(() => {
  app = createPackedApp("readme");
  for (const snippet of snippets) writeFileSync(join(app.dir, snippet.file), snippet.source);
  diagnostics = typeCheckApp(app);
}, 120_000);
afterAll(() => app?.remove());

test("the extractor finds every ts fence of README.md and docs/ (quickstart, removal recipe, both jest examples)", () => {
  const fences = DOCS.reduce((sum, { text }) => sum + (text.match(/^\s*```(ts|typescript)\s*$/gm) ?? []).length, 0);
  expect(snippets.length).toBe(fences);
  expect(snippets.length).toBeGreaterThanOrEqual(4);
  expect(snippets.some((s) => s.source.includes("new LocalBackend(stack, { path: \"terraform.tfstate\" })"))).toBe(true);
  expect(diagnostics.get("(global)")).toBeUndefined();
});

test.each(snippets.map((s) => [s.where, s] as const))("%s: the ts block compiles unchanged in a cdktf init app", (_where, snippet) => {
  expect(diagnostics.get(snippet.file) ?? []).toEqual([]);
});

test("the check can fail: an unused import (the old quickstart's) is TS6133 under the same tsconfig", () => {
  writeFileSync(join(app.dir, "canary.ts"), `import { FilePackageGroup, JarPackageGroup } from "cdktf-dli-packages";\nexport const used = FilePackageGroup;\n`);
  writeFileSync(join(app.dir, "canary.tsconfig.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true, incremental: false }, include: [], files: ["canary.ts"] }));
  const result = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "canary.tsconfig.json", "--pretty", "false"], { cwd: app.dir, encoding: "utf8" });
  expect(result.stdout).toMatch(/canary\.ts\(1,\d+\): error TS6133: 'JarPackageGroup' is declared but its value is never read/);
});

const terraform = probeTerraform();
if (!terraform.ok) console.warn(`docs jest example run skipped: ${terraform.reason}`);

/** The two jest examples (docs/emulator.md): synchronous terraform with the child-process emulator, awaited terraform in-process. */
const JEST_EXAMPLES: Record<string, (source: string) => boolean> = {
  "synchronous jest example (execFileSync terraform apply, child-process emulator)": (source) => source.includes('execFileSync("terraform"') && source.includes('process: "child"'),
  "awaited jest example (promisified execFile, in-process emulator, its own stack)": (source) => source.includes("promisify(execFile)") && !source.includes('process: "child"'),
};

(terraform.ok ? test.each : test.skip.each)(Object.keys(JEST_EXAMPLES))("the docs' %s passes in the app", (name) => {
  const example = snippets.find((s) => JEST_EXAMPLES[name](s.source));
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

/** The ```bash block under the heading "From the command line" of docs/emulator.md (start dli-local, eval its env, terraform apply, stop it). */
function commandLineBlock(): string {
  const page = readDoc("docs/emulator.md");
  const section = page.split(/^#+ From the command line$/m)[1] ?? "";
  const block = /^```bash\n([\s\S]*?)^```/m.exec(section);
  if (!block) throw new Error('docs/emulator.md: no ```bash block under "From the command line"');
  return block[1];
}

/** Processes whose command line names `dir`, with their pids (for the check and for clean-up). */
function processesIn(dir: string): { pid: number; args: string }[] {
  const ps = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return ps.stdout
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[2].includes(dir) && m[2].includes("dli-local"))
    .map((m) => ({ pid: Number(m[1]), args: m[2] }));
}

test("the docs' command-line emulator block (docs/emulator.md), run as a script (no job control, as in CI): the runtime env reaches terraform and the emulator stops", () => {
  // As `npm install` lays the bin out in the app; `terraform` is a stub that proves the eval'd env reaches the emulator.
  mkdirSync(join(app.dir, "node_modules", ".bin"), { recursive: true });
  if (!existsSync(join(app.dir, "node_modules", ".bin", "dli-local"))) symlinkSync("../cdktf-dli-packages/dist/lib/emulator/cli.js", join(app.dir, "node_modules", ".bin", "dli-local"));
  const stubs = join(app.dir, "stub-bin");
  mkdirSync(stubs, { recursive: true });
  const answer = join(app.dir, "stub-terraform.out");
  writeFileSync(
    join(stubs, "terraform"),
    `#!/bin/sh\nexec "${process.execPath}" -e 'fetch(process.env.HW_DLI_ENDPOINT + "/v2.0/" + process.env.HW_PROJECT_ID + "/resources").then((r) => require("fs").writeFileSync(process.argv[1], r.status + " " + process.env.HW_DLI_ENDPOINT))' "${answer}"\n`,
  );
  chmodSync(join(stubs, "terraform"), 0o755);
  const script = commandLineBlock().replace(/\/tmp\/dli-local\.env/g, join(app.dir, "dli-local.env"));
  // Output to a file, not a pipe: an emulator left running would hold a pipe open and stall spawnSync.
  const output = openSync(join(app.dir, "command-line-block.log"), "w");
  try {
    const run = spawnSync("bash", ["-c", `${script}\nsleep 1`], {
      cwd: app.dir,
      stdio: ["ignore", output, output],
      env: { ...process.env, PATH: `${stubs}:${process.env.PATH}`, npm_config_yes: "false", npm_config_offline: "true" },
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    // Unsigned request: the emulator answered 401, so it ran and the env pointed at it.
    expect(readFileSync(answer, "utf8")).toMatch(/^401 http:\/\/127\.0\.0\.1:\d+$/);
    expect(processesIn(app.dir)).toEqual([]);
  } finally {
    closeSync(output);
    for (const { pid } of processesIn(app.dir)) process.kill(pid);
  }
}, 90_000);
