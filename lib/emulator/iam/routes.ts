/** The two IAM routes this library uses (dli-api.md §3, §4.2). */
import { Route } from "../operation";
import { createToken } from "./create-token";
import { listProjects } from "./list-projects";

export const IAM_ROUTES: readonly Route[] = [
  { api: "KeystoneListProjects", method: "GET", pattern: /^\/v3\/projects\/?$/, params: [], auth: "iam", jsonBody: false, handler: listProjects },
  { api: "KeystoneCreateUserTokenByPassword", method: "POST", pattern: /^\/v3\/auth\/tokens\/?$/, params: [], auth: "none", jsonBody: true, handler: createToken },
];
