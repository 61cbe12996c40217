/**
 * Where to send requests (design.md §4 step 2, dli-api.md §3): the spec's endpoint, overridden
 * at apply time by HW_DLI_ENDPOINT (how tests and the demo reach the emulator), else derived
 * from the region. IAM likewise with HW_IAM_ENDPOINT.
 */
import { RUNTIME_ENV } from "../contract/spec";
import { ConfigError } from "./errors";

import { defaultDliEndpoint, defaultIamEndpoint } from "../contract/rules";

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

function parseEndpoint(text: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ConfigError(`${where}: ${JSON.stringify(text)} is not a URL (expected e.g. https://dli.cn-north-4.myhuaweicloud.com)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`${where}: ${JSON.stringify(text)} must be an http(s) URL`);
  if (url.username || url.password) throw new ConfigError(`${where}: must not carry user info`);
  if (url.search || url.hash) throw new ConfigError(`${where}: ${JSON.stringify(text)} must not have a query or fragment`);
  return url;
}

/** Region for commands run by hand (ls, diff): HW_REGION_NAME. */
export function regionFromEnvironment(env: NodeJS.ProcessEnv): string {
  const region = env[RUNTIME_ENV.region[0]]?.trim();
  if (!region) throw new ConfigError(`${RUNTIME_ENV.region[0]} is not set: set it to the region of the DLI project, e.g. cn-north-4`);
  if (!/^[a-z]{2}(-[a-z0-9]+)+$/.test(region)) throw new ConfigError(`${RUNTIME_ENV.region[0]}: ${JSON.stringify(region)} is not a region id like cn-north-4`);
  return region;
}
