/**
 * The DLI and IAM route table (each service's routes live in its folder: dli/routes.ts,
 * iam/routes.ts): method + path pattern → API name (the Go SDK's operation names, used for
 * throttling, fault overrides and the request log), authentication, body and handler. OBS
 * requests have their own router (obs/).
 */
import { DLI_ROUTES } from "./dli/routes";
import { IAM_ROUTES } from "./iam/routes";
import { Route } from "./operation";

export type { Route } from "./operation";

export const ROUTES: readonly Route[] = [...DLI_ROUTES, ...IAM_ROUTES];

export const API_NAMES: readonly string[] = ROUTES.map((r) => r.api);

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

/** Find the route for a method and a raw (percent-encoded) path; path parameters are decoded. */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < route.params.length; i++) {
      try {
        params[route.params[i]] = decodeURIComponent(match[i + 1]);
      } catch {
        return undefined;
      }
    }
    return { route, params };
  }
  return undefined;
}
