/** The DLI package-group routes (dli-api.md §1), one handler per operation. */
import { Operation, Route } from "../operation";
import { deleteResource } from "./delete";
import { listResources } from "./list";
import { changeOwner } from "./owner";
import { showResource } from "./show";
import { uploadGeneric, uploadOfKind } from "./upload";

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
export const DLI_ROUTES: readonly Route[] = [
  dli("POST", "UploadFileJobResources", "/files", uploadOfKind("file"), true),
  dli("POST", "UploadJarJobResources", "/jars", uploadOfKind("jar"), true),
  dli("POST", "UploadPythonFileJobResources", "/pyfiles", uploadOfKind("pyFile"), true),
  dli("PUT", "UpdateJobResourceOwner", "/owner", changeOwner, true),
  dli("POST", "UploadJobResources", "", uploadGeneric, true),
  dli("GET", "ListJobResources", "", listResources, false),
  dli("GET", "ShowJobResource", "/([^/]+)", showResource, false, ["projectId", "resourceName"]),
  dli("DELETE", "DeleteJobResource", "/([^/]+)", deleteResource, false, ["projectId", "resourceName"]),
];
