/**
 * The jest configuration StrykerJS runs (stryker.config.mjs, docs/mutation-testing.md): the
 * cdktf project of jest.config.js (the cdktn project runs the same constructs code through the
 * other core; once is enough to judge the tests), without test/package (it tests the packed
 * dist/lib, which the mutation build does not rebuild), with the mutation environment,
 * test runner, dependency extractor and test sequencer of this folder.
 */
const { join } = require("node:path");
const base = require("../../jest.config.js");

const cdktf = base.projects.find((project) => project.displayName === "cdktf");
const { displayName, ...project } = cdktf;

/** @type {import('jest').Config} */
module.exports = {
  ...project,
  rootDir: join(__dirname, "..", ".."),
  testTimeout: base.testTimeout,
  // lib/ too: jest's --findRelatedTests follows imports only through files of its roots (lib/index.ts → constructs → validate.ts)
  roots: ["<rootDir>/test", "<rootDir>/lib"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/package/"],
  testRunner: join(__dirname, "jest-circus-bail.js"),
  testEnvironment: join(__dirname, "jest-environment.js"),
  dependencyExtractor: join(__dirname, "dependency-extractor.js"),
  testSequencer: join(__dirname, "test-sequencer.js"),
};
