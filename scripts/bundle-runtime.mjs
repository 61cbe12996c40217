// Bundles the apply-time CLI (lib/runtime/cli.ts) and everything it imports (only Node's own
// modules outside it) into one file, dist/runtime/dli-packages.js, and writes its POSIX sh
// launcher beside it, dist/runtime/dli-packages.sh (the node guard, then `exec node` on the
// bundle: LAUNCHER_SCRIPT in lib/constructs/node-guard.ts). The synthesized stacks ship that
// folder as a TerraformAsset and their provisioners run the launcher, so nothing at apply time
// depends on node_modules.
import { build } from "esbuild";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "runtime");
const outfile = join(outdir, "dli-packages.js");
const launcher = join(outdir, "dli-packages.sh");
// The folder is the asset: only the bundle and the launcher, nothing left from older builds.
rmSync(outdir, { recursive: true, force: true });

// `--mutation-coverage` (npm run mutation, docs/mutation-testing.md): the bundle is built from
// StrykerJS's instrumented sources and, when $__DLI_MUTANT_COVERAGE_DIR__ is set, writes the
// mutants it reached to that folder on exit, for the test that ran it (scripts/mutation/).
const mutationCoverage = process.argv.includes("--mutation-coverage")
  ? "\n\"use strict\";process.env.__DLI_MUTANT_COVERAGE_DIR__&&process.on(\"exit\",()=>{try{const c=globalThis.__stryker__&&globalThis.__stryker__.mutantCoverage;" +
    "c&&require(\"fs\").writeFileSync(require(\"path\").join(process.env.__DLI_MUTANT_COVERAGE_DIR__,process.pid+\"-\"+Date.now()+\".json\"),JSON.stringify(c))}catch{}});"
  : "";

await build({
  entryPoints: [join(root, "lib", "runtime", "cli.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  legalComments: "none",
  banner: { js: "#!/usr/bin/env node" + mutationCoverage },
  logLevel: "warning",
});
chmodSync(outfile, 0o755);

// The launcher's text comes from the TypeScript source (this script also runs where dist/lib is
// not built, e.g. the mutation sandbox): bundled in memory and evaluated.
const guard = await build({
  entryPoints: [join(root, "lib", "constructs", "node-guard.ts")],
  bundle: true,
  platform: "node",
  format: "cjs",
  write: false,
  logLevel: "warning",
});
const exported = { exports: {} };
new Function("module", "exports", "require", guard.outputFiles[0].text)(exported, exported.exports, () => {
  throw new Error("node-guard.ts must not require anything outside lib/");
});
writeFileSync(launcher, exported.exports.LAUNCHER_SCRIPT, { mode: 0o755 });
chmodSync(launcher, 0o755);
