/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type checking is `npm run build`'s job (tsc); jest only transpiles, so one
    // module's type error never hides another module's test results.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  testTimeout: 60000,
  setupFilesAfterEnv: ["<rootDir>/test/setup-jest.ts"],
};
