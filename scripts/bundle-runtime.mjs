// Bundles the apply-time CLI (lib/runtime/cli.ts) and everything it imports, undici included,
// into one file: dist/runtime/dli-packages.js. The synthesized stacks ship that file as a
// TerraformAsset and run it with `node`, so nothing at apply time depends on node_modules.
import { build } from "esbuild";
import { chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist", "runtime", "dli-packages.js");

// undici's HTTP/2 client loads node:http2 just to read constants; the runtime never uses
// HTTP/2, so it gets lib/runtime/http2-shim.js (start-up time, see bench/runtime.bench.mjs).
const http2Shim = {
  name: "http2-shim",
  setup(build) {
    build.onResolve({ filter: /^node:http2$/ }, (args) =>
      args.importer.endsWith("http2-shim.js") ? undefined : { path: join(root, "lib", "runtime", "http2-shim.js") },
    );
  },
};

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
  plugins: [http2Shim],
});
chmodSync(outfile, 0o755);
