// Bundles the apply-time CLI (lib/runtime/cli.ts) and everything it imports (only Node's own
// modules outside it) into one file: dist/runtime/dli-packages.js. The synthesized stacks ship that file as a
// TerraformAsset and run it with `node`, so nothing at apply time depends on node_modules.
import { build } from "esbuild";
import { chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist", "runtime", "dli-packages.js");

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
