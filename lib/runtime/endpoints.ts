/**
 * Where to send requests (design.md §4 step 2, dli-api.md §3): the spec's endpoint, overridden
 * at apply time by HW_DLI_ENDPOINT (how tests and the demo reach the emulator), else derived
 * from the region. IAM likewise with HW_IAM_ENDPOINT.
 */
import { RUNTIME_ENV } from "../contract/spec";
import { ConfigError } from "./errors";

import { renderValue } from "../contract/bounded-text";
import { checkEndpoint, checkRegion, defaultDliEndpoint, defaultIamEndpoint } from "../contract/rules";

export { defaultDliEndpoint, defaultIamEndpoint };

export function dliEndpoint(region: string, specEndpoint: string | undefined, env: NodeJS.ProcessEnv): URL {
  const override = env[RUNTIME_ENV.dliEndpoint[0]];
  if (override) return parseEndpoint(override, RUNTIME_ENV.dliEndpoint[0]);
  if (specEndpoint) return parseEndpoint(specEndpoint, "the spec's endpoint (DLI_PACKAGES_ENDPOINT)");
  return new URL(defaultDliEndpoint(region));
}

export function iamEndpoint(region: string, env: NodeJS.ProcessEnv): URL {
  const override = env[RUNTIME_ENV.iamEndpoint[0]];
  if (override) return parseEndpoint(override, RUNTIME_ENV.iamEndpoint[0]);
  return new URL(defaultIamEndpoint(region));
}

/**
 * The HW_OBS_ENDPOINT override, checked like HW_DLI_ENDPOINT (https, or http on loopback; no
 * user info, path, query or fragment), or undefined when unset: staged objects then go to
 * the virtual-hosted URL of each object itself (obs/obs-address.ts).
 */
export function obsEndpointOverride(env: NodeJS.ProcessEnv): URL | undefined {
  const override = env[RUNTIME_ENV.obsEndpoint[0]];
  return override ? parseEndpoint(override, RUNTIME_ENV.obsEndpoint[0]) : undefined;
}

/** The same rule as the spec's endpoint (contract checkEndpoint), on the value exactly as set. */
function parseEndpoint(text: string, where: string): URL {
  const problem = checkEndpoint(text)[0];
  // User info may hold a password: never echoed.
  if (problem) throw new ConfigError(`${where}: ${renderValue(text.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/?#]+@/, "$1<user info>@"))} — ${problem.rule}`);
  return new URL(text);
}

/** Region for commands run by hand (ls, diff): HW_REGION_NAME. */
export function regionFromEnvironment(env: NodeJS.ProcessEnv): string {
  const region = env[RUNTIME_ENV.region[0]]?.trim();
  if (!region) throw new ConfigError(`${RUNTIME_ENV.region[0]} is not set: set it to the region of the DLI project, e.g. cn-north-4`);
  const problem = checkRegion(region)[0];
  if (problem) throw new ConfigError(`${RUNTIME_ENV.region[0]}: ${renderValue(region)} — ${problem.rule}`);
  return region;
}
