// Deletes what an acceptance run created: every package group whose name starts with the run's
// prefix (dlipkg-acc-<run id>-), every OBS object (and unfinished multipart upload) whose key
// starts with <staging prefix><run prefix>, and nothing else. Used at the end of every live run (also
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

/** An OBS client for the bucket of `staging` (the runtime's own: signed, retried, HW_OBS_ENDPOINT honoured). */
function obsFor(env, staging) {
  const dist = (file) => require(join(root, "dist", "lib", ...file.split("/")));
  const { obsObjectLocation } = dist("contract/staging.js");
  const { credentialsFromEnvironment } = dist("runtime/credentials.js");
  const { retryBoundsFromEnvironment } = dist("runtime/retry-policy.js");
  const { createTransport } = dist("runtime/transport.js");
  const { ObsClient } = dist("runtime/obs/obs-client.js");
  const { obsBucketAddress } = dist("runtime/obs/obs-address.js");
  const { obsEndpointOverride } = dist("runtime/endpoints.js");
  const location = obsObjectLocation(staging);
  if (!location) throw new Error(`not an OBS prefix: ${JSON.stringify(staging)}`);
  const credentials = credentialsFromEnvironment(env);
  const transport = createTransport(credentials, retryBoundsFromEnvironment(env));
  const client = new ObsClient(transport, credentials);
  const address = obsBucketAddress(location.bucket, location.region, location.domain, obsEndpointOverride(env));
  return { client, address, keyPrefix: location.key, close: () => transport.close() };
}

/** Keys (below the staging prefix) of the run's objects, sorted. */
async function objectsOfRun({ env, staging, prefix }) {
  const obs = obsFor(env, staging);
  try {
    const keys = [];
    for (let marker, first = true; first || marker !== undefined; first = false) {
      const page = await obs.client.listObjectsPage(obs.address, `${obs.keyPrefix}${prefix}`, marker);
      keys.push(...page.objects.map((o) => o.key.slice(obs.keyPrefix.length)));
      marker = page.next;
    }
    return keys.sort();
  } finally {
    await obs.close();
  }
}

/** Deletes every object and aborts every multipart upload of the run below `staging`; resolves with the count. */
async function cleanupObjects({ env, staging, prefix, say = () => {} }) {
  if (typeof prefix !== "string" || !/^dlipkg-acc-[a-z0-9]+-$/.test(prefix)) throw new Error(`cleanup: refusing prefix ${JSON.stringify(prefix)}`);
  const obs = obsFor(env, staging);
  const runKeys = `${obs.keyPrefix}${prefix}`;
  let deleted = 0;
  try {
    for (const upload of await obs.client.listMultipartUploads(obs.address, runKeys)) {
      if (upload.key.startsWith(runKeys)) await obs.client.abortMultipartUpload(obs.address, upload.key, upload.uploadId);
    }
    for (;;) {
      const page = await obs.client.listObjectsPage(obs.address, runKeys, undefined);
      const ours = page.objects.filter((o) => o.key.startsWith(runKeys));
      for (const object of ours) await obs.client.deleteObject(obs.address, object.key);
      deleted += ours.length;
      if (ours.length === 0 || page.next === undefined) break;
    }
  } finally {
    await obs.close();
  }
  if (deleted > 0) say(`cleanup: deleted ${deleted} OBS object(s) under ${staging}${prefix}`);
  return deleted;
}

module.exports = { cleanupRun, groupsOfRun, cleanupObjects, objectsOfRun };
