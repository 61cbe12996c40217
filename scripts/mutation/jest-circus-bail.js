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
  if (!bail.bailed()) return run(globalConfig, config, environment, runtime, testPath, sendMessageToJest);
  // one pending test: jest fails a file without any test ("must contain at least one test")
  const title = "not run: the active mutant already failed a test";
  const pending = { ancestorTitles: [], duration: 0, failureDetails: [], failureMessages: [], fullName: title, numPassingAsserts: 0, status: "pending", title };
  return { ...createEmptyTestResult(), testFilePath: testPath, skipped: true, numPendingTests: 1, testResults: [pending] };
};
