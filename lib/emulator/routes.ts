/**
 * The route table: method + path pattern → API name (the Go SDK's operation names, used for
 * throttling, fault overrides and the request log), authentication, body and handler.
 */
import { Operation } from "./operations/context";
import { deleteResource } from "./operations/delete";
import { createToken, listProjects } from "./operations/iam";
import { listResources } from "./operations/list";
import { changeOwner } from "./operations/owner";
import { showResource } from "./operations/show";
import { uploadGeneric, uploadOfKind } from "./operations/upload";

export interface Route {
  readonly api: string;
  readonly method: string;
  readonly pattern: RegExp;
  /** Names of the pattern's capture groups, in order. */
  readonly params: readonly string[];
  /** `dli`: signed or token, plus project check; `iam`: signed or token; `none`: open. */
  readonly auth: "dli" | "iam" | "none";
  /** Whether the operation takes a JSON body. */
  readonly jsonBody: boolean;
  readonly handler: Operation;
}

const PROJECT = "([^/]+)";
const dli = (method: string, api: string, suffix: string, handler: Operation, jsonBody: boolean, params = ["projectId"]): Route => ({
  api,
  method,
  pattern: new RegExp(`^/v2\\.0/${PROJECT}/resources${suffix}/?$`),
  params,
  auth: "dli",
  jsonBody,
  handler,
});

// More specific paths first: `resources/files` before `resources/{resource_name}`.
export const ROUTES: readonly Route[] = [
  dli("POST", "UploadFileJobResources", "/files", uploadOfKind("file"), true),
  dli("POST", "UploadJarJobResources", "/jars", uploadOfKind("jar"), true),
  dli("POST", "UploadPythonFileJobResources", "/pyfiles", uploadOfKind("pyFile"), true),
  dli("PUT", "UpdateJobResourceOwner", "/owner", changeOwner, true),
  dli("POST", "UploadJobResources", "", uploadGeneric, true),
  dli("GET", "ListJobResources", "", listResources, false),
  dli("GET", "ShowJobResource", "/([^/]+)", showResource, false, ["projectId", "resourceName"]),
  dli("DELETE", "DeleteJobResource", "/([^/]+)", deleteResource, false, ["projectId", "resourceName"]),
  { api: "KeystoneListProjects", method: "GET", pattern: /^\/v3\/projects\/?$/, params: [], auth: "iam", jsonBody: false, handler: listProjects },
  { api: "KeystoneCreateUserTokenByPassword", method: "POST", pattern: /^\/v3\/auth\/tokens\/?$/, params: [], auth: "none", jsonBody: true, handler: createToken },
];

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
