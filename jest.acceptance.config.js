/**
 * `npm run test:acceptance` (scripts/acceptance.mjs runs jest with this config): the acceptance
 * suite in test/acceptance/, on the cdktf core, one file at a time. The default config
 * (jest.config.js) leaves test/acceptance/ out, so `npm test` does not run it twice.
 */
/** @type {import('jest').Config} */
module.exports = {
  // A live step waits for real uploads to turn READY (and for a rename's delete first).
  testTimeout: process.env.DLI_ACCEPTANCE === "live" ? 900000 : 120000,
  displayName: "acceptance",
  testEnvironment: "node",
  roots: ["<rootDir>/test/acceptance"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFilesAfterEnv: ["<rootDir>/test/setup-jest.ts"],
};
