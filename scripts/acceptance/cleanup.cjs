// Deletes what an acceptance run created: every package group whose name starts with the run's
// prefix (dlipkg-acc-<run id>-), and nothing else. Used at the end of every live run (also
// after a failure or an interrupt), by `npm run test:acceptance -- cleanup <run id>` for a run
// that died, and by the suite itself. Reads the environment the run had (credentials, region,
// endpoints); needs the build (dist/).
"use strict";
const { join } = require("node:path");

const root = join(__dirname, "..", "..");

/**
 * Deletes every package of every group named `prefix…` in the project of `env`/`region`;
 * resolves with the groups deleted (sorted). `say` gets one line per group.
 */
async function cleanupRun({ env, region, prefix, say = () => {} }) {
  if (typeof prefix !== "string" || !/^dlipkg-acc-[a-z0-9]+-$/.test(prefix)) throw new Error(`cleanup: refusing prefix ${JSON.stringify(prefix)}: only a run prefix dlipkg-acc-<run id>- is ever cleaned up`);
  const { openSession } = require(join(root, "dist", "lib", "runtime", "session.js"));
  const { silentProgress } = require(join(root, "dist", "lib", "runtime", "progress.js"));
  const session = await openSession({ region, env, progress: silentProgress });
  const deleted = [];
  try {
    // Two passes: a provisioner killed mid-upload may still land a package after the first.
    for (let pass = 1; pass <= 2; pass++) {
      const ours = (await session.client.listGroups()).filter((group) => group.name.startsWith(prefix));
      for (const group of ours) {
        for (const pkg of group.packages) await session.client.deletePackage(pkg.name, group.name);
        if (!deleted.includes(group.name)) {
          deleted.push(group.name);
          say(`cleanup: deleted group ${group.name} (${group.packages.length} package(s))`);
        }
      }
      if (ours.length === 0) break;
    }
  } finally {
    await session.close();
  }
  return deleted.sort();
}

/** The names of the live groups starting with `prefix` (what a cleanup would delete). */
async function groupsOfRun({ env, region, prefix }) {
  const { openSession } = require(join(root, "dist", "lib", "runtime", "session.js"));
  const { silentProgress } = require(join(root, "dist", "lib", "runtime", "progress.js"));
  const session = await openSession({ region, env, progress: silentProgress });
  try {
    return (await session.client.listGroups()).filter((group) => group.name.startsWith(prefix)).map((group) => group.name).sort();
  } finally {
    await session.close();
  }
}

module.exports = { cleanupRun, groupsOfRun };
