// @ts-check
/**
 * Mutation testing of the core (docs/mutation-testing.md): `npm run mutation` mutates the files
 * below, `npm run mutation -- <files…>` only those. Not part of .ci/run (too slow per push).
 *
 * - The runtime's tests run the bundle as a child process, so the sandbox's bundle is built from
 *   the instrumented sources (buildCommand) and reports the mutants it reaches; the test helpers
 *   pass the active mutant (__STRYKER_ACTIVE_MUTANT__, which the instrumented code reads) to the
 *   child processes they start. scripts/mutation/ holds the jest side (coverage from child
 *   processes, ordered terraform suites, bail, one test file per mutant only where it covered).
 * - Equivalent mutants are listed in docs/mutation-testing.md, never disabled here.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: [
    "lib/contract/*.ts",
    "lib/constructs/validate.ts",
    "lib/constructs/group-ownership.ts",
    "lib/runtime/{converge,verify-group,wait-until-ready,drift,retry-policy,pacer,transport}.ts",
  ],
  testRunner: "jest",
  jest: {
    projectType: "custom",
    configFile: "scripts/mutation/jest.config.js",
    // with scripts/mutation/dependency-extractor.js, the runtime's tests count as related to lib/runtime/
    enableFindRelatedTests: true,
  },
  coverageAnalysis: "perTest",
  buildCommand: "node scripts/bundle-runtime.mjs --mutation-coverage",
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  concurrency: 2,
  // a shared 2-core machine: test times vary; a mutant has to be really slow to count as a timeout
  timeoutMS: 15000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 30,
  ignorePatterns: ["cdktf.out", ".tmp", "coverage", "reports", ".terraform"],
  plugins: ["@stryker-mutator/jest-runner", "./scripts/mutation/survivors-reporter.mjs"],
  reporters: ["clear-text", "progress", "html", "json", "survivors-log"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportMutants: false },
  tempDirName: ".stryker-tmp",
};
