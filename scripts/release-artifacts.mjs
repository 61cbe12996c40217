// `node scripts/release-artifacts.mjs <out dir> [--tag vX.Y.Z] [--publish-dry-run] [--languages-from <dir>]`
//
// Lays out what the release workflow publishes, in publib's layout, and checks it, so that a
// release that would fail on the tag fails on a pull request instead (.ci/run runs it with
// --publish-dry-run):
//
//   <out>/js/<name>-<version>.tgz   `npm pack` of the built repo (dist/ must be built; no scripts run),
//                                    and cdktn-dli-packages-<version>.tgz (build/cdktn-dli-packages)
//   <out>/python/*.whl, <out>/java/**, <out>/dotnet/*.nupkg, <out>/go/**   the jsii language
//                                    packages, copied from jsii-pacmak's output when it exists
//                                    (package.json jsii.outdir, default dist/; or --languages-from),
//                                    flat or per assembly; sources of --code-only are checked only
//   <out>/releasetag.txt, <out>/changelog.md   the tag and this version's CHANGELOG section
//
// Checks: the CHANGELOG has a section for the version (dated, under --tag), the tag names the
// version, package.json's repository.url names the repository building it (in GitHub Actions), the tarball holds every file package.json points at (main, types, exports, bin) and
// every plain entry of its "files", plus
// README.md, CHANGELOG.md, every docs/ page and the diff-report schema, and nothing of the
// repository's own (tests, sources, language packages); each language package names this
// version; `npm publish --dry-run` of the tarball succeeds. Exit 0 when all hold, 1 with one
// line per problem otherwise.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tag: { type: "string" }, "publish-dry-run": { type: "boolean", default: false }, "languages-from": { type: "string" } },
});
if (positionals.length !== 1) {
  console.error("usage: node scripts/release-artifacts.mjs <out dir> [--tag vX.Y.Z] [--publish-dry-run] [--languages-from <dir>]");
  process.exit(2);
}
const out = resolve(positionals[0]);
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const { name, version } = manifest;
const problems = [];
const say = (line) => console.log(`release-artifacts: ${line}`);

// The version, the tag and the CHANGELOG agree.
const changelog = readFileSync(join(root, "CHANGELOG.md"), "utf8");
const heading = new RegExp(`^## \\[${version.replace(/\./g, "\\.")}\\](?: - (\\S.*))?$`, "m").exec(changelog);
if (!heading) problems.push(`CHANGELOG.md has no "## [${version}]" section for the version in package.json`);
if (values.tag !== undefined) {
  if (values.tag !== `v${version}`) problems.push(`tag ${values.tag} does not name the version in package.json (${version}): tag v${version}, or bump the version`);
  if (heading && !/^\d{4}-\d{2}-\d{2}$/.test(heading[1] ?? "")) problems.push(`CHANGELOG.md: "## [${version}]" says "${heading[1] ?? ""}": give it the release date (YYYY-MM-DD) before tagging`);
}
const section = heading ? changelog.slice(heading.index).split(/^## \[/m)[1] : "";

// npm provenance refuses a package whose repository.url names another repository than the one
// that built it; GitHub Actions says which one that is.
const repositoryUrl = typeof manifest.repository === "string" ? manifest.repository : manifest.repository?.url;
const building = process.env.GITHUB_REPOSITORY;
if (!repositoryUrl) problems.push("package.json has no repository.url: npm provenance (and jsii) need it");
else if (building && !repositoryUrl.toLowerCase().includes(`github.com/${building.toLowerCase()}`)) {
  problems.push(`package.json repository.url ${repositoryUrl} is not the repository building it (github.com/${building}): npm publish --provenance would refuse it`);
} else say(`repository: ${repositoryUrl}${building ? " (the repository building it)" : " (checked against the building repository in GitHub Actions only)"}`);

// The npm tarball.
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "js"), { recursive: true });
for (const built of ["dist/lib/index.js", "dist/runtime/dli-packages.js"]) {
  if (!existsSync(join(root, built))) problems.push(`${built} is missing: run \`npm run build\` first`);
}
execFileSync(npm, ["pack", "--ignore-scripts", "--pack-destination", join(out, "js"), "--loglevel=error"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
const tarballName = `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
const tarball = join(out, "js", tarballName);
if (!existsSync(tarball)) problems.push(`npm pack wrote no ${tarballName}`);
else {
  const entries = new Set(execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean).map((e) => e.replace(/^package\//, "")));
  const pointedAt = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})];
  for (const target of Object.values(manifest.exports ?? {})) pointedAt.push(...(typeof target === "string" ? [target] : Object.values(target)));
  const docs = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
  const required = [...pointedAt.filter(Boolean).map((p) => p.replace(/^\.\//, "")), "package.json", "README.md", "CHANGELOG.md", ...docs, "schemas/diff-report.schema.json"];
  for (const file of required) if (!entries.has(file)) problems.push(`the npm tarball lacks ${file}`);
  // Every plain entry of package.json "files" (API.md, .jsii, …) made it in, as a file or a directory.
  for (const entry of (manifest.files ?? []).filter((f) => !/[*!?{]/.test(f)).map((f) => f.replace(/\/$/, ""))) {
    if (!entries.has(entry) && ![...entries].some((e) => e.startsWith(`${entry}/`))) problems.push(`the npm tarball lacks ${entry} (listed in package.json files)`);
  }
  const foreign = [...entries].filter((e) => /^(test|lib|bench|scripts|examples|\.ci|\.github|node_modules)\//.test(e) || /\.tsbuildinfo$|\.(whl|nupkg|jar)$/.test(e) || /^dist\/(js|python|java|dotnet|go)\//.test(e));
  if (foreign.length > 0) problems.push(`the npm tarball holds files that are not the package's: ${foreign.slice(0, 5).join(", ")}${foreign.length > 5 ? ` … and ${foreign.length - 5} more` : ""}`);
  say(`npm: ${relative(root, tarball)} (${entries.size} files, ${(statSync(tarball).size / 1024).toFixed(0)} KiB)`);
  checkListing(tarball, "cdktf");
}

// The cdktn package (the cdktn jsii assembly, built by scripts/build-jsii.mjs), same version.
const cdktnDir = join(root, "build", "cdktn-dli-packages");
if (!existsSync(join(cdktnDir, ".jsii"))) problems.push("build/cdktn-dli-packages/.jsii is missing: run `npm run build` first");
else {
  execFileSync(npm, ["pack", "--ignore-scripts", "--pack-destination", join(out, "js"), "--loglevel=error"], { cwd: cdktnDir, stdio: ["ignore", "ignore", "inherit"] });
  const cdktnTarball = join(out, "js", `cdktn-dli-packages-${version}.tgz`);
  if (!existsSync(cdktnTarball)) problems.push(`npm pack of build/cdktn-dli-packages wrote no cdktn-dli-packages-${version}.tgz`);
  else {
    say(`npm: ${relative(root, cdktnTarball)} (${(statSync(cdktnTarball).size / 1024).toFixed(0)} KiB)`);
    checkListing(cdktnTarball, "cdktn");
  }
}

// The jsii language packages, where jsii-pacmak has produced them: built packages (what publib
// publishes) or, from `jsii-pacmak --code-only`, their sources, either directly under the output
// directory (<dir>/python/…) or per assembly (<dir>/<npm package>/python/…).
const pacmakOut = values["languages-from"] !== undefined ? resolve(values["languages-from"]) : join(root, manifest.jsii?.outdir ?? "dist");
const targets = Object.keys(manifest.jsii?.targets ?? {});
const pomVersion = (f) => /<version>([^<]+)<\/version>/.exec(readFileSync(f, "utf8").replace(/<parent>[\s\S]*?<\/parent>/, ""))?.[1];
const goVersion = (f) => (existsSync(join(dirname(f), "version")) ? readFileSync(join(dirname(f), "version"), "utf8").trim() : undefined);
/** Per target: the built packages and their version, the generated sources and theirs. Go modules are published as sources. */
const LANGUAGES = {
  python: {
    built: (dir) => files(dir).filter((f) => f.endsWith(".whl")),
    builtVersion: wheelVersion,
    code: (dir) => files(dir).filter((f) => f.endsWith("/setup.py")),
    codeVersion: (f) => /["']version["']\s*:\s*["']([^"']+)["']/.exec(readFileSync(f, "utf8"))?.[1],
  },
  java: {
    built: (dir) => files(dir).filter((f) => f.endsWith(".pom")),
    builtVersion: pomVersion,
    code: (dir) => files(dir).filter((f) => f.endsWith("/pom.xml")),
    codeVersion: pomVersion,
  },
  dotnet: {
    built: (dir) => files(dir).filter((f) => f.endsWith(".nupkg") && !f.endsWith(".symbols.nupkg")),
    builtVersion: nupkgVersion,
    code: (dir) => files(dir).filter((f) => f.endsWith(".csproj")),
    codeVersion: (f) => /<PackageVersion>([^<]+)<\/PackageVersion>/.exec(readFileSync(f, "utf8"))?.[1],
  },
  go: {
    built: (dir) => files(dir).filter((f) => f.endsWith("/go.mod")),
    builtVersion: goVersion,
    code: () => [],
    codeVersion: goVersion,
  },
};
const direct = Object.keys(LANGUAGES).some((language) => existsSync(join(pacmakOut, language)));
const assemblies = direct
  ? [pacmakOut]
  : existsSync(pacmakOut)
    ? readdirSync(pacmakOut, { withFileTypes: true }).filter((e) => e.isDirectory() && Object.keys(LANGUAGES).some((l) => existsSync(join(pacmakOut, e.name, l)))).map((e) => join(pacmakOut, e.name))
    : [];
for (const [language, kind] of Object.entries(LANGUAGES)) {
  const dirs = assemblies.map((a) => join(a, language)).filter((d) => existsSync(d));
  const built = dirs.flatMap((d) => kind.built(d));
  const code = built.length > 0 ? [] : dirs.flatMap((d) => kind.code(d));
  if (built.length === 0 && code.length === 0) {
    say(`${language}: ${targets.includes(language) ? `declared in package.json jsii.targets, not built here (nothing under ${relative(root, pacmakOut)}/; jsii-pacmak makes it)` : "no such jsii target"}`);
    if (targets.includes(language) && values.tag !== undefined) problems.push(`${language}: jsii.targets declares it but ${relative(root, pacmakOut)}/ holds no package: run jsii-pacmak before releasing`);
    continue;
  }
  for (const file of built) {
    const named = kind.builtVersion(file);
    if (named !== version) problems.push(`${language}: ${relative(root, file)} is version ${named ?? "(none found)"}, not ${version}`);
  }
  for (const file of code) {
    const named = kind.codeVersion(file);
    if (named !== version) problems.push(`${language}: ${relative(root, file)} (generated code) is version ${named ?? "(none found)"}, not ${version}`);
  }
  if (built.length > 0) {
    // publib's layout: every assembly's packages of one language in <out>/<language>/.
    for (const d of dirs) cpSync(d, join(out, language), { recursive: true });
    say(`${language}: ${built.map((f) => relative(root, f)).join(", ")} (version ${version})`);
  } else {
    say(`${language}: generated code only (jsii-pacmak --code-only): ${code.map((f) => relative(root, f)).join(", ")} (version ${version}); nothing to publish`);
    if (values.tag !== undefined) problems.push(`${language}: only generated code under ${relative(root, pacmakOut)}/: the release needs the built packages (jsii-pacmak without --code-only)`);
  }
}

writeFileSync(join(out, "releasetag.txt"), `v${version}\n`);
writeFileSync(join(out, "changelog.md"), section ? `## [${section}` : "");

// The publish itself, without publishing.
if (values["publish-dry-run"]) {
  for (const packed of readdirSync(join(out, "js")).filter((f) => f.endsWith(".tgz")).map((f) => join(out, "js", f))) {
    const run = spawnSync(npm, ["publish", "--dry-run", packed], { cwd: out, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
    const output = `${run.stdout}${run.stderr}`;
    const expected = /^(.*)-(\d+\.\d+\.\d+[^/]*)\.tgz$/.exec(packed.split("/").pop())?.slice(1).join("@") ?? "";
    if (run.status !== 0) problems.push(`npm publish --dry-run ${relative(root, packed)} failed (exit ${run.status}): ${output.trim().split("\n").slice(-3).join(" / ")}`);
    else if (!output.includes(expected)) problems.push(`npm publish --dry-run did not name ${expected}: ${output.trim().split("\n").slice(-1)[0]}`);
    else say(`npm publish --dry-run: ${expected} would be published`);
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`release-artifacts: ${problem}`);
  process.exit(1);
}
say(`ok: ${relative(process.cwd(), out) || "."} holds the release of ${name}@${version}`);

/**
 * What npm search and Construct Hub read of a packed package: keywords naming its framework core,
 * constructs, huaweicloud and dli; jsii's stability; homepage and bugs; and a README (the file and
 * the assembly's copy Construct Hub renders) with the TypeScript and the Python quickstart.
 */
function checkListing(packed, core) {
  const label = packed.split("/").pop();
  const read = (entry) => {
    try {
      return execFileSync("tar", ["-xzOf", packed, `package/${entry}`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    } catch {
      return undefined;
    }
  };
  const before = problems.length;
  const packedManifest = JSON.parse(read("package.json") ?? "{}");
  const keywords = packedManifest.keywords ?? [];
  for (const keyword of [core, "constructs", "huaweicloud", "dli"]) if (!keywords.includes(keyword)) problems.push(`${label}: package.json keywords lack "${keyword}" (npm search and Construct Hub read them)`);
  if (!["experimental", "stable", "deprecated"].includes(packedManifest.stability)) problems.push(`${label}: package.json has no jsii "stability" (experimental, stable or deprecated)`);
  if (!/^https:\/\//.test(packedManifest.homepage ?? "")) problems.push(`${label}: package.json has no https homepage`);
  if (!/^https:\/\//.test(packedManifest.bugs?.url ?? "")) problems.push(`${label}: package.json has no https bugs.url`);
  const assembly = JSON.parse(read(".jsii") ?? "{}");
  for (const [where, text] of [["README.md", read("README.md")], [".jsii readme", assembly.readme?.markdown]]) {
    const quickstart = /^## Quickstart\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text ?? "")?.[1] ?? "";
    for (const fence of ["```ts", "```python"]) if (!quickstart.includes(`${fence}\n`)) problems.push(`${label}: ${where} has no ${fence === "```ts" ? "TypeScript" : "Python"} quickstart (a ${fence} block under "## Quickstart")`);
  }
  if (assembly.docs?.stability !== packedManifest.stability) problems.push(`${label}: the .jsii assembly's stability (${assembly.docs?.stability}) is not package.json's (${packedManifest.stability}): rebuild`);
  if (problems.length === before) say(`${label}: listed with keywords ${keywords.join(", ")}; stability ${packedManifest.stability}; README and .jsii readme with the TypeScript and Python quickstarts`);
}

/** Every file under `dir`, recursively. */
function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/** `Version:` of a wheel's METADATA (PEP 440; the same string for a plain x.y.z). */
function wheelVersion(file) {
  const listing = execFileSync("unzip", ["-Z1", file], { encoding: "utf8" }).split("\n");
  const metadata = listing.find((entry) => /\.dist-info\/METADATA$/.test(entry));
  if (!metadata) return undefined;
  return /^Version: (.+)$/m.exec(execFileSync("unzip", ["-p", file, metadata], { encoding: "utf8" }))?.[1]?.trim();
}

/** `<version>` of a .nupkg's .nuspec. */
function nupkgVersion(file) {
  const nuspec = execFileSync("unzip", ["-Z1", file], { encoding: "utf8" }).split("\n").find((entry) => entry.endsWith(".nuspec"));
  if (!nuspec) return undefined;
  return /<version>([^<]+)<\/version>/.exec(execFileSync("unzip", ["-p", file, nuspec], { encoding: "utf8" }))?.[1];
}
