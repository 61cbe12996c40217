/**
 * Two projects, one per framework core the constructs serve (docs/design-notes.md):
 * - cdktf: every test, on the sources as they are (the constructs' `./framework` is cdktf);
 * - cdktn: the constructs and lifecycle suites again, with the one swap the build makes for
 *   dist/lib/cdktn (the constructs' `./framework` → framework.cdktn.ts) and the tests' own
 *   "cdktf" imports (App, Testing, …) served by cdktn. Its snapshots live in
 *   `__snapshots__/cdktn/` (cdktn prints empty objects as `{}`; the JSON is the same, see
 *   test/cores/same-json.test.ts).
 * `npx jest --selectProjects cdktn` runs one core.
 */
const shared = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: {
    // Type checking is `npm run build`'s job (tsc); jest only transpiles, so one
    // module's type error never hides another module's test results.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  setupFilesAfterEnv: ["<rootDir>/test/setup-jest.ts"],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: "cdktf", testMatch: ["**/*.test.ts"], snapshotResolver: "<rootDir>/test/cores/snapshot-resolver.cdktf.js" },
    {
      ...shared,
      displayName: "cdktn",
      testMatch: ["<rootDir>/test/constructs/**/*.test.ts", "<rootDir>/test/lifecycle/**/*.test.ts"],
      moduleNameMapper: {
        "^\\./framework$": "<rootDir>/lib/constructs/framework.cdktn.ts",
        "^cdktf$": "cdktn",
      },
      snapshotResolver: "<rootDir>/test/cores/snapshot-resolver.cdktn.js",
    },
  ],
};
