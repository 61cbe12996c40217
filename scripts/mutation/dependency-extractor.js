/**
 * The dependency extractor of `npm run mutation`: jest's own, plus one edge jest cannot see. A
 * test helper that runs the runtime bundle (it names the path "dist", "runtime",
 * "dli-packages.js") depends on lib/runtime/cli.ts, the bundle's entry point, so jest's
 * `--findRelatedTests` (which StrykerJS uses to pick the test files of a mutated file) finds the
 * runtime and lifecycle tests for a mutant in lib/runtime/.
 */
const { dirname, join, relative, sep } = require("node:path");

const ROOT = join(__dirname, "..", "..");
const RUNS_THE_BUNDLE = /"dist",\s*"runtime",\s*"dli-packages\.js"/;

module.exports = {
  extract(code, filePath, defaultExtract) {
    const dependencies = defaultExtract(code, filePath);
    if (RUNS_THE_BUNDLE.test(code) && filePath.startsWith(join(ROOT, "test") + sep)) {
      const entry = relative(dirname(filePath), join(ROOT, "lib", "runtime", "cli")).split(sep).join("/");
      dependencies.add(entry.startsWith(".") ? entry : `./${entry}`);
    }
    return dependencies;
  },
  getCacheKey() {
    return "dli-mutation-extractor-1";
  },
};
