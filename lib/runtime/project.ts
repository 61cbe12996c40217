/**
 * Project id (design.md §4 step 3): the spec's, else HW_PROJECT_ID (or the SDK's
 * HUAWEICLOUD_SDK_PROJECT_ID), else IAM `GET /v3/projects?name={region}` (dli-api.md §3), which
 * must list exactly one project.
 */
import { renderValue } from "../contract/bounded-text";
import { checkProjectId } from "../contract/rules";
import { RUNTIME_ENV } from "../contract/spec";
import { ConfigError, OperationError, ResponseShapeError } from "./errors";
import { errorFromResponse, jsonObject, Transport } from "./transport";

export type ProjectSource = "spec" | "environment" | "iam";

/**
 * HW_PROJECT_ID, else HUAWEICLOUD_SDK_PROJECT_ID, validated exactly as set with the spec's rule
 * (it becomes a URL path segment and a signed header): a bad value is a ConfigError (exit 2)
 * before any request, even when the spec's project id wins.
 */
export function projectIdFromEnvironment(env: NodeJS.ProcessEnv): string | undefined {
  let chosen: string | undefined;
  for (const name of RUNTIME_ENV.projectId) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    const problem = checkProjectId(value)[0];
    if (problem) throw new ConfigError(`${name}: ${renderValue(value)} — ${problem.rule}`);
    chosen ??= value;
  }
  return chosen;
}

export async function resolveProjectId(
  specProjectId: string | undefined,
  region: string,
  env: NodeJS.ProcessEnv,
  transport: Transport,
  iam: () => URL,
): Promise<{ projectId: string; source: ProjectSource; requests: number }> {
  const fromEnvironment = projectIdFromEnvironment(env);
  if (specProjectId) return { projectId: specProjectId, source: "spec", requests: 0 };
  if (fromEnvironment) return { projectId: fromEnvironment, source: "environment", requests: 0 };
  const path = "/v3/projects";
  const response = await transport.send(iam(), { method: "GET", path, query: { name: region } });
  if (response.status !== 200) throw errorFromResponse("GET", path, response);
  const body = jsonObject("GET", path, response);
  const projects = body.projects;
  if (!Array.isArray(projects) || projects.some((p) => typeof (p as { id?: unknown })?.id !== "string")) {
    throw new ResponseShapeError("GET", path, `"projects" must be a list of objects with an "id"`, response.requestId);
  }
  const ids = (projects as { id: string; name?: unknown }[]).filter((p) => p.name === undefined || p.name === region).map((p) => p.id);
  if (ids.length === 1) return { projectId: ids[0], source: "iam", requests: response.attempts };
  const trace = response.requestId ? ` (X-IAM-Trace-Id ${response.requestId})` : "";
  throw new OperationError(
    `project id: IAM lists ${ids.length} projects named ${region}${ids.length > 0 ? ` (${ids.join(", ")})` : ""}${trace}; set ${RUNTIME_ENV.projectId[0]} (or the construct's projectId) to the project to use`,
  );
}
