/**
 * The jest test runner of `npm run mutation`: jest-circus, except for a test file whose turn
 * comes after the active mutant already failed a test (./bail.js). That file is reported as
 * skipped without being loaded, so its imports (cdktf, the emulator, the instrumented library)
 * are never evaluated: loading the remaining test files of a killed mutant cost more than running
 * the test that killed it. (The file name contains "jest-circus": StrykerJS's perTest coverage
 * accepts only circus runners, by name.)
 */
const circus = require("jest-circus/runner");
const { createEmptyTestResult } = require("@jest/test-result");
const bail = require("./bail");

const run = circus.default ?? circus;

module.exports = async function jestCircusBail(globalConfig, config, environment, runtime, testPath, sendMessageToJest) {
  if (!bail.bailed()) return failedTestsOverHookErrors(await run(globalConfig, config, environment, runtime, testPath, sendMessageToJest));
  // one pending test: jest fails a file without any test ("must contain at least one test")
  const title = "not run: the active mutant already failed a test";
  const pending = { ancestorTitles: [], duration: 0, failureDetails: [], failureMessages: [], fullName: title, numPassingAsserts: 0, status: "pending", title };
  return { ...createEmptyTestResult(), testFilePath: testPath, skipped: true, numPendingTests: 1, testResults: [pending] };
};

/**
 * A file in which the active mutant failed a test, and whose afterAll then failed as well (a
 * mutant that breaks `close()` fails the tests, then the cleanup): jest reports the hook's error
 * as the file's `testExecError`, and StrykerJS counts any such error as a runtime error (left out
 * of the score) whatever the tests did. The failed tests decide: the mutant is killed; the hook's
 * error stays in the output. A file that failed to load, or whose errors come with no failed
 * test, is left as it is: that stays a runtime error.
 */
function failedTestsOverHookErrors(result) {
  if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined || !result.testExecError || result.numFailingTests === 0) return result;
  const { testExecError, ...rest } = result;
  const hookError = `after the failed tests: ${testExecError.message ?? testExecError.stack ?? String(testExecError)}`;
  return { ...rest, failureMessage: [rest.failureMessage, hookError].filter(Boolean).join("\n") };
}
