/**
 * Bail state of a mutant run, shared by ./jest-environment.js (which records a failed test) and
 * ./jest-circus-bail.js (which then stops loading the remaining test files): both are loaded once per
 * StrykerJS worker process, outside the tests' module registry.
 */
let failedMutant;

module.exports = {
  /** The active mutant, while Stryker runs one (set in the worker's real environment). */
  activeMutant() {
    return process.env.__STRYKER_ACTIVE_MUTANT__;
  },
  /** A test failed with `mutant` active: it is killed. */
  failed(mutant) {
    failedMutant = mutant;
  },
  /** Whether the active mutant has already been killed in this run. */
  bailed() {
    const active = process.env.__STRYKER_ACTIVE_MUTANT__;
    return active !== undefined && failedMutant === active;
  },
};
