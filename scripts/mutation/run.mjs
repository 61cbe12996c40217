// `npm run mutation [-- <files…>] [-- --stryker-option value …]`: StrykerJS with
// stryker.config.mjs, on the files given (default: the config's core files), then the per-file
// table of reports/mutation/mutation.json (docs/mutation-testing.md).
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith("-"));
const files = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);

const started = Date.now();
const stryker = spawnSync(
  process.execPath,
  [join(root, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js"), "run", "stryker.config.mjs", ...(files.length > 0 ? ["--mutate", files.join(",")] : []), ...options],
  { cwd: root, stdio: "inherit", env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: "20" } },
);
const minutes = ((Date.now() - started) / 60000).toFixed(1);
if (stryker.status !== 0) {
  console.error(`mutation: stryker exited with ${stryker.status ?? stryker.signal} after ${minutes} min`);
  process.exit(stryker.status ?? 1);
}
spawnSync(process.execPath, [join(root, "scripts", "mutation", "table.mjs"), ...files], { cwd: root, stdio: "inherit" });
console.log(`mutation: ${files.length > 0 ? files.join(" ") : "core files"} in ${minutes} min`);
