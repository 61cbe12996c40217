// Snapshot locations of the two jest projects (jest.config.js): the cdktf project keeps jest's
// default `__snapshots__/<test file>.snap`; the cdktn project writes `__snapshots__/cdktn/<test
// file>.snap`. Both map either layout back to its test file, so neither project reports the
// other's snapshot files as obsolete (nor deletes them under `-u`).
const { basename, dirname, join } = require("node:path");

const CORE_DIR = "cdktn";

function resolveTestPath(snapshotPath, extension) {
  const dir = dirname(snapshotPath);
  const snapshotsDir = basename(dir) === CORE_DIR ? dirname(dir) : dir;
  return join(dirname(snapshotsDir), basename(snapshotPath, extension));
}

/** The resolver of one project: `core` undefined → jest's default layout. */
function resolverFor(core) {
  return {
    resolveSnapshotPath: (testPath, extension) =>
      join(dirname(testPath), "__snapshots__", ...(core ? [core] : []), basename(testPath) + extension),
    resolveTestPath,
    testPathForConsistencyCheck: join("test", "constructs", "synth.test.ts"),
  };
}

module.exports = { resolverFor, CORE_DIR };
