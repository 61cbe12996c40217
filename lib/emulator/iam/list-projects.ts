/** The emulated IAM's `GET /v3/projects?name=` (dli-api.md §3): the projects of a region name. */
import { randomUUID } from "node:crypto";
import { Operation } from "../operation";

export const listProjects: Operation = ({ query, identity, baseUrl }) => {
  const projects = identity.projectsNamed(query.get("name")).map((p) => ({
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    parent_id: p.domainId,
    is_domain: false,
    enabled: true,
    description: "",
    links: { self: `${baseUrl}/v3/projects/${p.id}` },
  }));
  const self = `${baseUrl}/v3/projects${query.size > 0 ? `?${query}` : ""}`;
  // The Go SDK cites X-IAM-Trace-Id when resolution finds 0 or 2+ projects (dli-api.md §3).
  return { status: 200, headers: { "X-IAM-Trace-Id": randomUUID() }, body: { projects, links: { self, previous: null, next: null } } };
};
