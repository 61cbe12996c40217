/**
 * The test sequencer of `npm run mutation`: in a mutant run, only the test files that covered
 * the active mutant in the dry run (`.tmp/mutation-files.json`, written by ./jest-environment.js)
 * are loaded: first those that reached it in the jest process itself (they import its module and
 * call it directly, so they usually fail at once), then those that reached it only through a
 * child process (the runtime bundle, terraform), each group fastest first. StrykerJS's jest
 * runner filters tests by name only, so without this every related test file would be loaded
 * (its imports evaluated) for every mutant; and
 * jest's own order (slowest first) would run the terraform suites before the unit tests that
 * usually kill a mutant in milliseconds (the environment skips the rest after a failure). A
 * mutant missing from the map runs every file jest selected.
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
    let map;
    try {
      map = JSON.parse(readFileSync(join(rootDir, ".tmp", "mutation-files.json"), "utf8"));
    } catch {
      return sorted;
    }
    const files = map.filesByMutant[active];
    if (!files) return sorted;
    const name = (test) => relative(rootDir, test.path).split(sep).join("/");
    const duration = (test) => map.fileDurations[name(test)] ?? Number.MAX_SAFE_INTEGER;
    // files that reached the mutant in their own process first: they call its code directly
    const direct = map.directFilesByMutant?.[active] ?? [];
    const indirect = (test) => (direct.includes(name(test)) ? 0 : 1);
    return sorted.filter((test) => files.includes(name(test))).sort((a, b) => indirect(a) - indirect(b) || duration(a) - duration(b));
  }
}

module.exports = MutationSequencer;
