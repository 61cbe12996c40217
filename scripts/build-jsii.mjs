// The jsii assemblies, one per framework core (docs/design-notes.md "jsii: every language"):
// - cdktf-dli-packages (this package): jsii compiles lib/index.ts with tsconfig.jsii.json into
//   dist/ (the same options as tsconfig.json, so it re-emits the same files) and writes .jsii;
// - cdktn-dli-packages: a generated package in build/cdktn-dli-packages/ with a copy of the
//   constructs side of lib/ (index, constructs/, contract/) where framework.cdktn.ts takes the
//   place of framework.ts (the swap scripts/build-cores.mjs makes for the `/cdktn` entry),
//   compiled by jsii there, with the runtime bundle copied in.
// Both run with --fail-on-warnings; jsii prints some warnings (the package.json checks) without
// failing, so any warning line in its output fails the build too, except the one explained in
// ALLOWED_WARNINGS.
//
// `node scripts/build-jsii.mjs [cdktf|cdktn]` builds one (default: both); run after
// bundle-runtime.mjs (the cdktn package copies dist/runtime/).
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CDKTN_PACKAGE_DIR = join(root, "build", "cdktn-dli-packages");
const jsiiBin = join(root, "node_modules", "jsii", "bin", "jsii");

/**
 * JSII6 wants every peer dependency also a devDependency at the peer range's minimum. Our
 * constructs peer is cdktf's `^10.4.2` (a cdktf app may have any 10.x from 10.4.2), but the dev
 * tree needs `~10.7.2`, the one range both cores accept (cdktn 0.24: >=10.6.0 <10.8.0).
 */
const ALLOWED_WARNINGS = [/^warning JSII6: A "peerDependency" on "constructs" at "\^10\.4\.2" means you should take a "devDependency" on "constructs" at "10\.4\.2" \(found "~10\.7\.2"\)/];

/** The cdktn package's package.json, made from ours: same version and metadata, cdktn's targets and peers. */
function cdktnManifest(pkg) {
  return {
    name: "cdktn-dli-packages",
    version: pkg.version,
    description: "CDK Terrain (cdktn) constructs that keep Huawei Cloud DLI package groups in the desired state (the cdktn build of cdktf-dli-packages)",
    // What npm search and Construct Hub read: ours, with cdktn first and without cdktf.
    keywords: ["cdktn", ...pkg.keywords.filter((k) => k !== "cdktf" && k !== "cdktn")],
    license: pkg.license,
    author: pkg.author,
    repository: pkg.repository,
    homepage: pkg.homepage,
    bugs: pkg.bugs,
    stability: pkg.stability,
    main: "dist/lib/index.js",
    types: "dist/lib/index.d.ts",
    files: ["dist/", ".jsii", "README.md", "API.md"],
    engines: pkg.engines,
    jsii: {
      ...pkg.jsii,
      targets: {
        python: { distName: "cdktn-dli-packages", module: "cdktn_dli_packages" },
        java: { package: "io.github.dlipackages.cdktn", maven: { groupId: "io.github.dlipackages", artifactId: "cdktn-dli-packages" } },
        dotnet: { namespace: "DliPackages.Cdktn", packageId: "DliPackages.Cdktn" },
        go: { moduleName: "github.com/dlipackages/cdktn-dli-packages-go", packageName: "cdktndlipackages" },
      },
    },
    peerDependencies: { cdktn: "^0.24.0", constructs: pkg.peerDependencies.constructs },
    devDependencies: { cdktn: "0.24.0", constructs: pkg.devDependencies.constructs },
  };
}

/** TypeScript or Python imports of the cdktf flavour, as the cdktn package's users write them. */
function toCdktn(text) {
  return text
    .replace(/from "cdktf"/g, 'from "cdktn"')
    .replace(/`cdktf init /g, "`cdktn init ")
    .replace(/from "cdktf-dli-packages"/g, 'from "cdktn-dli-packages"')
    .replace(/^from cdktf import/gm, "from cdktn import")
    .replace(/^from cdktf_dli_packages import/gm, "from cdktn_dli_packages import");
}

/**
 * The cdktn package's README (Construct Hub and every language's package show it): what it is,
 * the root README's two quickstarts with the cdktn imports, and where the manual is.
 */
function cdktnReadme(readme, version) {
  const start = readme.indexOf("## Quickstart");
  const quickstart = readme.slice(start, readme.indexOf("\n## ", start + 1)).replace(/\]\((?!https?:)([^)]+)\)/g, (_, link) => `](https://github.com/dlipackages/cdktf-dli-packages/blob/v${version}/${link})`);
  return `# cdktn-dli-packages

The constructs of [cdktf-dli-packages](https://github.com/dlipackages/cdktf-dli-packages) for CDK Terrain (cdktn 0.24):
Huawei Cloud DLI package groups kept in the desired state by Terraform. The same classes, props
and synthesized JSON as \`cdktf-dli-packages\` on cdktf; in TypeScript you may also import
\`cdktf-dli-packages/cdktn\`. The manual: the cdktf-dli-packages README and docs/.

${toCdktn(quickstart).trimEnd()}
`;
}

/** The cdktf assembly's API.md (scripts/docgen.mjs) with the cdktn package's names. */
function cdktnApiDocs(apiMd) {
  return apiMd.replace(/\bcdktf-dli-packages\b/g, "cdktn-dli-packages").replace(/\bcdktf\.(?=[A-Z])/g, "cdktn.");
}

/** Copies the constructs side of lib/ with the cdktn framework module in place of the cdktf one. */
function stageCdktn() {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  rmSync(CDKTN_PACKAGE_DIR, { recursive: true, force: true });
  mkdirSync(join(CDKTN_PACKAGE_DIR, "lib"), { recursive: true });
  copyFileSync(join(root, "lib", "index.ts"), join(CDKTN_PACKAGE_DIR, "lib", "index.ts"));
  for (const part of ["constructs", "contract"]) cpSync(join(root, "lib", part), join(CDKTN_PACKAGE_DIR, "lib", part), { recursive: true });
  const constructs = join(CDKTN_PACKAGE_DIR, "lib", "constructs");
  rmSync(join(constructs, "framework.ts"));
  copyFileSync(join(root, "lib", "constructs", "framework.cdktn.ts"), join(constructs, "framework.ts"));
  rmSync(join(constructs, "framework.cdktn.ts"));
  copyFileSync(join(root, "tsconfig.jsii.json"), join(CDKTN_PACKAGE_DIR, "tsconfig.jsii.json"));
  writeFileSync(join(CDKTN_PACKAGE_DIR, "README.md"), cdktnReadme(readFileSync(join(root, "README.md"), "utf8"), pkg.version));
  if (existsSync(join(root, "API.md"))) writeFileSync(join(CDKTN_PACKAGE_DIR, "API.md"), cdktnApiDocs(readFileSync(join(root, "API.md"), "utf8")));
  // jsii-rosetta fixtures (doc examples that are fragments), with the cdktn imports.
  cpSync(join(root, "rosetta"), join(CDKTN_PACKAGE_DIR, "rosetta"), { recursive: true });
  for (const name of readdirSync(join(CDKTN_PACKAGE_DIR, "rosetta"))) {
    const file = join(CDKTN_PACKAGE_DIR, "rosetta", name);
    writeFileSync(file, toCdktn(readFileSync(file, "utf8")));
  }
  writeFileSync(join(CDKTN_PACKAGE_DIR, "package.json"), JSON.stringify(cdktnManifest(pkg), null, 2) + "\n");
}

/** Runs jsii in `dir`; resolves to a failure line (jsii failed or printed a warning not in ALLOWED_WARNINGS), or undefined. */
function jsii(dir, label) {
  const started = Date.now();
  const child = spawn(process.execPath, [jsiiBin, "--fail-on-warnings"], {
    cwd: dir,
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split(".")[0] },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => {
    child.on("close", (code) => {
      const warnings = output.split("\n").filter((line) => /^warning JSII/.test(line) && !ALLOWED_WARNINGS.some((re) => re.test(line)));
      if (code !== 0 || warnings.length > 0 || /error JSII/.test(output)) {
        process.stderr.write(output);
        resolve(`build-jsii: ${label}: jsii ${code !== 0 ? `exited ${code}` : `printed ${warnings.length} warning(s)`} (warnings are errors here)`);
        return;
      }
      // Progress goes to stderr: `npm pack --json` runs this build (prepare) and must print only JSON on stdout.
      console.error(`build-jsii: ${label} assembly in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      resolve(undefined);
    });
  });
}

// The two compiles are independent (separate directories and outputs): run them side by side.
const only = process.argv[2];
const builds = [];
if (only === undefined || only === "cdktf") builds.push(jsii(root, "cdktf-dli-packages"));
if (only === undefined || only === "cdktn") {
  stageCdktn();
  builds.push(
    jsii(CDKTN_PACKAGE_DIR, "cdktn-dli-packages").then((failure) => {
      if (!failure) cpSync(join(root, "dist", "runtime"), join(CDKTN_PACKAGE_DIR, "dist", "runtime"), { recursive: true });
      return failure;
    }),
  );
}
const failures = (await Promise.all(builds)).filter(Boolean);
if (failures.length > 0) {
  for (const failure of failures) console.error(failure);
  process.exit(1);
}
