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
// Output: dist-pacmak/<npm package>/<target>/ (git-ignored; package.json jsii.outdir), where
// scripts/release-artifacts.mjs (next in .ci/run) checks each target's version.
//
// `node scripts/pacmak.mjs --build` (npm run package; the release workflow, on a machine with
// each language's toolchain and registry) builds the packages for real instead, both assemblies
// into dist-pacmak/<target>/ (package.json jsii.outdir), the layout scripts/release-artifacts.mjs
// collects. Not run here: it needs those registries.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const build = process.argv.includes("--build");
const out = join(root, "dist-pacmak");
const work = join(root, ".tmp", "pacmak-work");
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

const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split(".")[0] };
// npm pack (the JS tarball each language package embeds) must not run `prepare` (a rebuild).
const pacmakEnv = { ...env, npm_config_ignore_scripts: "true" };

/** Runs a node program; exits with `failure` and its output when it fails. */
function run(args, extraEnv, failure) {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", env: extraEnv });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    console.error(`pacmak: ${failure} (exit ${result.status})`);
    process.exit(1);
  }
  return result;
}

/** jsii-rosetta: compiles (strict) and translates every TypeScript example of `assemblies` into `tablet`. */
function extractExamples(label, assemblies, tablet) {
  const t0 = Date.now();
  run([rosetta, "extract", "--output", tablet, "--directory", examplesDir, ...assemblies], env, `${label}: jsii-rosetta extract (strict) failed: a TypeScript example does not compile`);
  const snippets = Object.keys(JSON.parse(readFileSync(tablet, "utf8")).snippets ?? {}).length;
  console.log(`pacmak: ${label}: jsii-rosetta compiled and translated ${snippets} TypeScript example(s) in strict mode (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

rmSync(out, { recursive: true, force: true });
rmSync(work, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// jsii-rosetta compiles the examples where their imports resolve: the two packages themselves
// beside the cores and constructs, as in an app.
const examplesDir = join(work, "examples");
mkdirSync(join(examplesDir, "node_modules"), { recursive: true });
for (const name of [...Object.keys(PACKAGES), "cdktf", "cdktn", "constructs"]) {
  symlinkSync(PACKAGES[name] ?? join(root, "node_modules", name), join(examplesDir, "node_modules", name), "dir");
}
for (const [name, dir] of Object.entries(PACKAGES)) {
  if (!existsSync(join(dir, ".jsii"))) {
    console.error(`pacmak: ${relative(root, dir) || "."}/.jsii is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}
const started = Date.now();

if (build) {
  // Both assemblies in one run, into dist-pacmak/<target>/ (the release's layout).
  const tablet = join(work, "examples.tabl.json");
  extractExamples("both assemblies", Object.values(PACKAGES).map((dir) => join(dir, ".jsii")), tablet);
  run([pacmak, ...Object.values(PACKAGES), "--no-npmignore", "--rosetta-tablet", tablet, "--rosetta-unknown-snippets", "fail", "--outdir", out, "--targets", ...TARGETS], pacmakEnv, "jsii-pacmak failed");
  console.log(`pacmak: built ${TARGETS.join(", ")} packages of both assemblies in ${((Date.now() - started) / 1000).toFixed(1)} s → ${relative(root, out)}/`);
  process.exit(0);
}

const problems = [];
for (const [name, dir] of Object.entries(PACKAGES)) {
  const jsii = JSON.parse(readFileSync(join(dir, ".jsii"), "utf8"));
  const tablet = join(work, `${name}.tabl.json`);
  extractExamples(name, [join(dir, ".jsii")], tablet);
  const t1 = Date.now();
  const args = [pacmak, dir, "--code-only", "--no-npmignore", "--no-fingerprint", "--rosetta-tablet", tablet, "--rosetta-unknown-snippets", "fail"];
  run([...args, "--outdir", join(out, name), "--targets", ...TARGETS], pacmakEnv, `${name}: jsii-pacmak failed`);
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
