// Bundles the apply-time CLI (lib/runtime/cli.ts) and everything it imports, undici included,
// into one file: dist/runtime/dli-packages.js. The synthesized stacks ship that file as a
// TerraformAsset and run it with `node`, so nothing at apply time depends on node_modules.
import { build } from "esbuild";
import { chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist", "runtime", "dli-packages.js");

await build({
  entryPoints: [join(root, "lib", "runtime", "cli.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  legalComments: "none",
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});
chmodSync(outfile, 0o755);
