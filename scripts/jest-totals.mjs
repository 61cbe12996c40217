// Prints jest's totals from its --json result as one plain line, `N passed, N failed, N skipped`,
// and exits non-zero when a test failed, a suite failed to run, or no test ran at all.
import { readFileSync } from "node:fs";

const file = process.argv[2];
let result;
try {
  result = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`jest-totals: cannot read jest's JSON result at ${file}: ${error.message}`);
  process.exit(1);
}
const passed = result.numPassedTests;
const failed = result.numFailedTests;
const skipped = result.numPendingTests + result.numTodoTests;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || result.numFailedTestSuites > 0 || result.numRuntimeErrorTestSuites > 0) process.exit(1);
if (passed === 0) {
  console.error("jest-totals: no test ran");
  process.exit(1);
}
