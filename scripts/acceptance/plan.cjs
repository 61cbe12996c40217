// Which DLI the acceptance suite runs against, decided from the environment before anything is
// started or sent (docs/acceptance.md):
//
//   DLI_ACCEPTANCE unset or "local"  dli-local, started by the suite (the default, and CI's)
//   DLI_ACCEPTANCE=live              the endpoints of DLI_ACCEPTANCE_REGION (or HW_DLI_ENDPOINT /
//                                    HW_IAM_ENDPOINT), with the credentials of the environment,
//                                    DLI_ACCEPTANCE_STAGING (an OBS prefix) and optionally
//                                    DLI_ACCEPTANCE_PROJECT_ID
//
// Refusals are one line each (field, value cut and escaped, what is allowed) and exit 2: a run
// never reaches a real endpoint without DLI_ACCEPTANCE=live, and a live run never starts
// without credentials, a region and the staging prefix. Needs the build (dist/).
"use strict";
const { join } = require("node:path");
const { randomBytes } = require("node:crypto");

const root = join(__dirname, "..", "..");
const contract = require(join(root, "dist", "lib", "contract"));
const { credentialsFromEnvironment } = require(join(root, "dist", "lib", "runtime", "credentials.js"));
const { dliEndpoint, iamEndpoint } = require(join(root, "dist", "lib", "runtime", "endpoints.js"));
const { checkStaging } = require(join(root, "dist", "lib", "contract", "staging.js"));

/** Every name a run creates starts with this, then the run id and '-'. */
const RUN_PREFIX = "dlipkg-acc-";
/** A run id: lower-case letters and digits (it becomes part of group names and OBS keys). */
const RUN_ID = /^[a-z0-9]{6,20}$/;
const RUN_ID_RULE = "6 to 20 lower-case letters or digits (the id a run printed at its start)";

/** Where a local run stages its objects: a bucket dli-local serves (and checks package URLs against). */
const LOCAL_REGION = "cn-north-4";
const LOCAL_STAGING = `https://dli-acceptance.obs.${LOCAL_REGION}.myhuaweicloud.com/acceptance/`;

/** The variables that make the runtime talk to a real DLI; the local run drops them all. */
const RUNTIME_VARIABLES = Object.values(contract.RUNTIME_ENV).flat();
const ENDPOINT_VARIABLES = [...contract.RUNTIME_ENV.dliEndpoint, ...contract.RUNTIME_ENV.iamEndpoint, ...contract.RUNTIME_ENV.obsEndpoint];

class AcceptanceRefusal extends Error {}

/** One refusal line: `<field>: <value> — <rule>`. */
function refusal(field, value, rule) {
  return new AcceptanceRefusal(contract.boundedLine(`${field}: ${value === undefined ? "(not set)" : contract.renderValue(value)} — ${rule}`));
}

function newRunId() {
  return `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
}

function runPrefix(runId) {
  if (!RUN_ID.test(runId)) throw refusal("run id", runId, RUN_ID_RULE);
  return `${RUN_PREFIX}${runId}-`;
}

function isLoopbackUrl(text) {
  try {
    const url = new URL(text);
    return ["127.0.0.1", "localhost", "[::1]", "::1"].includes(url.hostname);
  } catch {
    return false;
  }
}

/**
 * The run to make: `{ mode: "local", runId, prefix, region, staging, env }` or `{ mode: "live", runId, prefix,
 * region, projectId?, staging, dliEndpoint, iamEndpoint, credentialSource, env }`. `env` is what
 * the suite (and every terraform and provisioner it starts) runs with. Throws AcceptanceRefusal.
 */
function planRun(env, runId = newRunId()) {
  const prefix = runPrefix(runId);
  const mode = env.DLI_ACCEPTANCE === undefined || env.DLI_ACCEPTANCE === "" ? "local" : env.DLI_ACCEPTANCE;
  if (mode === "local") {
    for (const name of ENDPOINT_VARIABLES) {
      const value = env[name];
      if (value && !isLoopbackUrl(value)) {
        throw refusal(name, value, "the default acceptance run is against dli-local, which it starts itself; to run against this endpoint set DLI_ACCEPTANCE=live (with credentials, DLI_ACCEPTANCE_REGION and DLI_ACCEPTANCE_STAGING), or unset it");
      }
    }
    const cleaned = { ...env };
    for (const name of RUNTIME_VARIABLES) delete cleaned[name];
    return { mode, runId, prefix, region: LOCAL_REGION, staging: LOCAL_STAGING, env: cleaned };
  }
  if (mode !== "live") throw refusal("DLI_ACCEPTANCE", mode, "'live' (against a real DLI project), or unset / 'local' for dli-local");

  const region = env.DLI_ACCEPTANCE_REGION;
  const regionProblem = contract.checkRegion(region)[0];
  if (region === undefined || region === "" || regionProblem) throw refusal("DLI_ACCEPTANCE_REGION", region, regionProblem ? regionProblem.rule : "the region of the DLI project to test in, e.g. cn-north-4");
  const projectId = env.DLI_ACCEPTANCE_PROJECT_ID || undefined;
  if (projectId !== undefined && contract.checkProjectId(projectId).length > 0) throw refusal("DLI_ACCEPTANCE_PROJECT_ID", projectId, contract.checkProjectId(projectId)[0].rule);
  let credentials;
  try {
    credentials = credentialsFromEnvironment(env);
  } catch (error) {
    throw new AcceptanceRefusal(contract.boundedLine(`credentials: ${error.message} (a live acceptance run signs every request with them)`));
  }
  // The run writes its OBS objects with OBS's own signature, which takes AK/SK only.
  if (credentials.kind === "token") throw new AcceptanceRefusal(contract.boundedLine(`credentials: ${credentials.source} alone cannot write OBS objects (OBS signs with AK/SK); a live acceptance run needs HW_ACCESS_KEY and HW_SECRET_KEY (plus HW_SECURITY_TOKEN for temporary credentials)`));
  const staging = env.DLI_ACCEPTANCE_STAGING;
  const stagingProblem = staging === undefined || staging === "" ? { rule: contract.STAGING_RULES.staging } : checkStaging(staging, region)[0];
  if (stagingProblem) throw refusal("DLI_ACCEPTANCE_STAGING", staging, `${stagingProblem.rule}; the run creates its OBS objects below it, under ${prefix}`);
  let dli;
  let iam;
  try {
    dli = dliEndpoint(region, undefined, env).toString().replace(/\/$/, "");
    iam = iamEndpoint(region, env).toString().replace(/\/$/, "");
  } catch (error) {
    throw new AcceptanceRefusal(contract.boundedLine(error.message));
  }
  const runEnv = { ...env, HW_REGION_NAME: region };
  if (projectId) runEnv.HW_PROJECT_ID = projectId;
  else delete runEnv.HW_PROJECT_ID;
  return { mode, runId, prefix, region, projectId, staging, dliEndpoint: dli, iamEndpoint: iam, credentialSource: credentials.source, env: runEnv };
}

/** What a run will create and where, printed before it starts (one line each). */
function describePlan(plan) {
  if (plan.mode === "local") {
    return [`acceptance: run ${plan.runId} against dli-local (started by the suite on loopback; nothing leaves this machine)`];
  }
  return [
    `acceptance: LIVE run ${plan.runId} in region ${plan.region}, project ${plan.projectId ?? `(resolved from IAM for ${plan.region})`}${plan.projectSource ? ` (${plan.projectSource})` : ""}, DLI ${plan.dliEndpoint}, IAM ${plan.iamEndpoint}, credentials from ${plan.credentialSource}`,
    `acceptance: it creates package groups named ${plan.prefix}* and OBS objects under ${plan.staging}${plan.prefix}; it reads, changes and deletes nothing else`,
    `acceptance: it deletes all of them at the end, also after a failure or an interrupt; if the process dies, run: npm run test:acceptance -- cleanup ${plan.runId}`,
  ].map((line) => contract.boundedLine(line));
}

module.exports = { LOCAL_STAGING, planRun, describePlan, runPrefix, newRunId, isLoopbackUrl, AcceptanceRefusal, RUN_PREFIX, RUN_ID_RULE };
