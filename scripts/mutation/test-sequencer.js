/**
 * The test sequencer of `npm run mutation`: in a mutant run, only the test files that covered
 * the active mutant in the dry run (`.tmp/mutation-files.json`, written by ./jest-environment.js)
 * are loaded. StrykerJS's jest runner filters tests by name only, so without this every related
 * test file would be loaded (its imports evaluated) for every mutant. A mutant missing from the
 * map runs every file jest selected.
 */
const Sequencer = require("@jest/test-sequencer").default;
const { readFileSync } = require("node:fs");
const { join, relative, sep } = require("node:path");

class MutationSequencer extends Sequencer {
  sort(tests) {
    const active = process.env.__STRYKER_ACTIVE_MUTANT__;
    const sorted = super.sort(tests);
    if (active === undefined || tests.length === 0) return sorted;
    const rootDir = tests[0].context.config.rootDir;
    let files;
    try {
      files = JSON.parse(readFileSync(join(rootDir, ".tmp", "mutation-files.json"), "utf8"))[active];
    } catch {
      return sorted;
    }
    if (!files) return sorted;
    return sorted.filter((test) => files.includes(relative(rootDir, test.path).split(sep).join("/")));
  }
}

module.exports = MutationSequencer;
