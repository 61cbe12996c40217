/**
 * The DLI package-group operations this library needs (dli-api.md §1), over the transport.
 * Every success body is validated into a small typed shape; anything else is a one-line
 * {@link ResponseShapeError}, never a crash on `undefined`.
 */
import { PackageKind } from "../contract/spec";
import { ResponseShapeError } from "./errors";
import { rfc3986Encode } from "./signer";
import { errorFromResponse, HttpRequest, HttpResponse, jsonObject, Transport } from "./transport";

/** One package as listed: status upper-cased (dli-api.md §1.4 shows `uploading` in lower case). */
export interface LivePackage {
  readonly name: string;
  readonly status: string;
  readonly type?: string;
}

export interface LiveGroup {
  readonly name: string;
  readonly status?: string;
  readonly packages: readonly LivePackage[];
}

/** dli-api.md §1.1/§1.2: per-kind endpoints; modelFile only through the generic one with `kind`. */
const UPLOAD_SUFFIX: Readonly<Record<PackageKind, string | undefined>> = { file: "/files", jar: "/jars", pyFile: "/pyfiles", modelFile: undefined };

export class DliClient {
  /** API calls sent (attempts included), for the summary and the bench. */
  requestCount = 0;

  constructor(
    private readonly transport: Transport,
    private readonly endpoint: URL,
    readonly projectId: string,
  ) {}

  private async call(request: Omit<HttpRequest, "projectId">): Promise<HttpResponse> {
    const response = await this.transport.send(this.endpoint, { ...request, projectId: this.projectId });
    this.requestCount += response.attempts;
    return response;
  }

  private resourcesPath(suffix = ""): string {
    return `/v2.0/${rfc3986Encode(this.projectId)}/resources${suffix}`;
  }

  /** Upload the group: same-name upload overwrites (or merges, §1.1 open question; converge() handles both). */
  async uploadGroup(kind: PackageKind, group: string, paths: readonly string[]): Promise<LiveGroup> {
    const suffix = UPLOAD_SUFFIX[kind];
    const path = this.resourcesPath(suffix ?? "");
    const json = suffix ? { paths, group } : { paths, group, kind };
    const response = await this.call({ method: "POST", path, json });
    if (response.status !== 201 && response.status !== 200) throw errorFromResponse("POST", path, response);
    const body = jsonObject("POST", path, response);
    // converge() deletes what this answer lists as undeclared: it must be about our group.
    if (body.group_name !== undefined && body.group_name !== group) {
      throw new ResponseShapeError("POST", path, `"group_name" is ${JSON.stringify(body.group_name)}, expected ${JSON.stringify(group)}`, response.requestId);
    }
    return parseGroup(body, "POST", path, response, group);
  }

  /** Every group in the project (dli-api.md §1.3), optionally filtered by kind. */
  async listGroups(kind?: PackageKind): Promise<LiveGroup[]> {
    const path = this.resourcesPath();
    const response = await this.call({ method: "GET", path, query: { kind } });
    if (response.status !== 200) throw errorFromResponse("GET", path, response);
    const body = jsonObject("GET", path, response);
    const groups = body.groups ?? [];
    if (!Array.isArray(groups)) throw new ResponseShapeError("GET", path, `"groups" is ${typeof groups}, expected a list`, response.requestId);
    return groups.map((g) => parseGroup(g, "GET", path, response));
  }

  /** The named group, or undefined when the project has none of that name. */
  async getGroup(group: string): Promise<LiveGroup | undefined> {
    return (await this.listGroups()).find((g) => g.name === group);
  }

  /**
   * One package of the group (dli-api.md §1.4), or undefined when absent: a small answer
   * whatever the project holds, which is why waiting for READY polls this, not the listing.
   * The status for a missing package is unverified (§1.4): 404, or 400 DLI.0002 "no such object".
   */
  async showPackage(name: string, group: string): Promise<LivePackage | undefined> {
    const path = this.resourcesPath(`/${rfc3986Encode(name)}`);
    const response = await this.call({ method: "GET", path, query: { group } });
    if (response.status === 404) return undefined;
    if (response.status !== 200) {
      const error = errorFromResponse("GET", path, response);
      if (response.status === 400 && error.code === "DLI.0002") return undefined;
      throw error;
    }
    const body = jsonObject("GET", path, response);
    if (body.resource_name !== name) throw new ResponseShapeError("GET", path, `"resource_name" is ${JSON.stringify(body.resource_name)}, expected ${JSON.stringify(name)}`, response.requestId);
    if (typeof body.status !== "string") throw new ResponseShapeError("GET", path, `package ${name} has no "status"`, response.requestId);
    return { name, status: body.status.toUpperCase(), type: typeof body.resource_type === "string" ? body.resource_type : undefined };
  }

  /** DELETE one package (dli-api.md §1.5): `deleted`, or `absent` on 404. */
  async deletePackage(name: string, group: string): Promise<"deleted" | "absent"> {
    const path = this.resourcesPath(`/${rfc3986Encode(name)}`);
    const response = await this.call({ method: "DELETE", path, query: { group } });
    if (response.status === 200 || response.status === 204) return "deleted";
    if (response.status === 404) return "absent";
    throw errorFromResponse("DELETE", path, response);
  }
}

function parseGroup(raw: unknown, method: string, path: string, response: HttpResponse, expectedName?: string): LiveGroup {
  const fail = (problem: string) => new ResponseShapeError(method, path, problem, response.requestId);
  if (typeof raw !== "object" || raw === null) throw fail("a group entry is not an object");
  const g = raw as Record<string, unknown>;
  const name = typeof g.group_name === "string" ? g.group_name : expectedName;
  if (typeof name !== "string") throw fail(`a group has no "group_name"`);
  const details = g.details;
  let packages: LivePackage[];
  if (Array.isArray(details)) {
    packages = details.map((d, i) => {
      const p = d as Record<string, unknown> | null;
      if (typeof p?.resource_name !== "string") throw fail(`group ${name}: details[${i}] has no "resource_name"`);
      if (typeof p.status !== "string") throw fail(`group ${name}: package ${p.resource_name} has no "status"`);
      return { name: p.resource_name, status: p.status.toUpperCase(), type: typeof p.resource_type === "string" ? p.resource_type : undefined };
    });
  } else if (Array.isArray(g.resources) && typeof g.status === "string") {
    // No details: only the group status is known; give it to every package.
    packages = (g.resources as unknown[]).map((r) => ({ name: String(r), status: (g.status as string).toUpperCase() }));
  } else {
    throw fail(`group ${name} has neither "details" nor "resources" with a "status"`);
  }
  return { name, status: typeof g.status === "string" ? g.status.toUpperCase() : undefined, packages };
}
