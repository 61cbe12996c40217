// jsii-pacmak for both assemblies and all four targets (CI runs it after the tests; needs
// `npm run build` first). Building a target's package needs its registry (PyPI for the Python
// wheel's build tools and the jsii runtime, Maven Central, NuGet, the Go module proxy), which
// this machine does not reach, so the code is generated only (--code-only), and then checked
// where a local tool can: every generated Python file compiles (python3 -m py_compile).
//
// Before that, jsii-rosetta compiles every TypeScript example of each assembly (README, doc
// comments) in strict mode (package.json jsii.metadata.jsii.rosetta.strict: a snippet that does
// not compile fails CI) and translates it; pacmak puts the translations into each language's
// README and docs (--rosetta-unknown-snippets fail: none may stay untranslated).
//
// Output: dist-pacmak/<npm package>/<target>/ (git-ignored).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist-pacmak");
const pacmak = join(root, "node_modules", "jsii-pacmak", "bin", "jsii-pacmak");
const rosetta = join(root, "node_modules", "jsii-rosetta", "bin", "jsii-rosetta");
const PACKAGES = { "cdktf-dli-packages": root, "cdktn-dli-packages": join(root, "build", "cdktn-dli-packages") };
const TARGETS = ["python", "java", "dotnet", "go"];
/** Why each target stops at code here: the registry its build needs. */
const REGISTRY = { python: "PyPI (setuptools, wheel, the jsii runtime)", java: "Maven Central", dotnet: "NuGet", go: "the Go module proxy" };

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** What each target's generated code must contain, or a problem line. */
function checkTarget(dir, target, jsii) {
  const all = existsSync(dir) ? files(dir).map((f) => relative(dir, f)) : [];
  const want = {
    python: [/^setup\.py$/, new RegExp(`^src/${jsii.targets.python.module}/__init__\\.py$`), /\.jsii\.tgz$/],
    java: [/^pom\.xml$/, /\.java$/, /\.jsii\.tgz$/],
    dotnet: [/\.csproj$/, /\.cs$/, /\.tgz$/],
    go: [/go\.mod$/, /\.go$/, /\.tgz$/],
  }[target];
  const missing = want.filter((re) => !all.some((f) => re.test(f)));
  return missing.length > 0 ? `${target}: generated code lacks ${missing.join(", ")} in ${relative(root, dir)}` : undefined;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// jsii-rosetta compiles the examples where their imports resolve: the two packages themselves
// beside the cores and constructs, as in an app.
const examplesDir = join(out, "examples");
for (const name of [...Object.keys(PACKAGES), "cdktf", "cdktn", "constructs"]) {
  mkdirSync(join(examplesDir, "node_modules"), { recursive: true });
  symlinkSync(PACKAGES[name] ?? join(root, "node_modules", name), join(examplesDir, "node_modules", name), "dir");
}
const problems = [];
const started = Date.now();
for (const [name, dir] of Object.entries(PACKAGES)) {
  if (!existsSync(join(dir, ".jsii"))) {
    console.error(`pacmak: ${relative(root, dir) || "."}/.jsii is missing: run \`npm run build\` first`);
    process.exit(1);
  }
  const jsii = JSON.parse(readFileSync(join(dir, ".jsii"), "utf8"));
  const t0 = Date.now();
  const tablet = join(out, `${name}.tabl.json`);
  const extracted = spawnSync(process.execPath, [rosetta, "extract", "--output", tablet, "--directory", examplesDir, join(dir, ".jsii")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split(".")[0] },
  });
  if (extracted.status !== 0) {
    process.stderr.write(extracted.stdout + extracted.stderr);
    console.error(`pacmak: ${name}: jsii-rosetta extract (strict) exited ${extracted.status}: a TypeScript example does not compile`);
    process.exit(1);
  }
  const snippets = Object.keys(JSON.parse(readFileSync(tablet, "utf8")).snippets ?? {}).length;
  console.log(`pacmak: ${name}: jsii-rosetta compiled and translated ${snippets} TypeScript example(s) in strict mode (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const t1 = Date.now();
  const result = spawnSync(process.execPath, [pacmak, dir, "--code-only", "--no-npmignore", "--no-fingerprint", "--rosetta-tablet", tablet, "--rosetta-unknown-snippets", "fail", "--outdir", join(out, name), "--targets", ...TARGETS], {
    cwd: root,
    encoding: "utf8",
    // npm pack (the JS tarball each language package embeds) must not run `prepare` (a rebuild).
    env: { ...process.env, npm_config_ignore_scripts: "true", JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split(".")[0] },
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    console.error(`pacmak: ${name}: jsii-pacmak exited ${result.status}`);
    process.exit(1);
  }
  for (const target of TARGETS) {
    const problem = checkTarget(join(out, name, target), target, jsii);
    if (problem) problems.push(`${name}: ${problem}`);
  }
  // A real check of the Python code: every generated module compiles.
  const pyFiles = files(join(out, name, "python")).filter((f) => f.endsWith(".py"));
  const compiled = spawnSync("python3", ["-m", "py_compile", ...pyFiles], { encoding: "utf8" });
  if (compiled.error) console.log(`pacmak: ${name}: python3 not found, generated Python not compiled`);
  else if (compiled.status !== 0) problems.push(`${name}: generated Python does not compile: ${compiled.stderr.trim()}`);
  console.log(`pacmak: ${name}: ${TARGETS.join(", ")} generated in ${((Date.now() - t1) / 1000).toFixed(1)} s (${pyFiles.length} Python files compile)`);
}
console.log(`pacmak: code only (--code-only): building the packages needs ${TARGETS.map((t) => `${REGISTRY[t]} (${t})`).join(", ")}, which this machine does not reach`);
if (problems.length > 0) {
  for (const problem of problems) console.error(`pacmak: ${problem}`);
  process.exit(1);
}
console.log(`pacmak: 2 assemblies × ${TARGETS.length} targets in ${((Date.now() - started) / 1000).toFixed(1)} s → ${relative(root, out)}/`);
