/** `GET resources?kind=&tags=` (dli-api.md §1.3): every group with its details, filtered. */
import { dliErrors } from "../errors";
import { PACKAGE_KINDS, PackageKind, StoredPackage, Tag } from "./state";
import { Operation } from "../operation";
import { groupBody } from "./bodies";

export const listResources: Operation = ({ query, state, params, now }) => {
  const kind = query.get("kind");
  if (kind !== null && !PACKAGE_KINDS.includes(kind as PackageKind)) {
    throw dliErrors.parameter(`kind: ${JSON.stringify(kind)} must be one of ${PACKAGE_KINDS.join(", ")}`);
  }
  const tags = parseTagFilter(query.get("tags"));
  const matches = (pkg: StoredPackage) =>
    (kind === null || pkg.kind === kind) && tags.every((want) => pkg.tags.some((t) => t.key === want.key && (want.value === undefined || t.value === want.value)));
  const groups = [];
  let total = 0;
  for (const group of state.listGroups(params.projectId)) {
    const packages = group.packages.filter(matches);
    if (packages.length === 0 && (kind !== null || tags.length > 0)) continue;
    total += packages.length;
    groups.push(groupBody(group, now, "list", packages));
  }
  // Ungrouped packages and built-in modules are not emulated: this library always uses groups.
  return { status: 200, body: { total, resources: [], modules: [], groups } };
};

/**
 * The `tags` filter syntax is unverified (dli-api.md §1.3); accepted here: comma-separated
 * `key=value` (exact) or `key` (any value) entries, all of which must match.
 */
function parseTagFilter(raw: string | null): { key: string; value?: string }[] {
  if (raw === null || raw.trim() === "") return [];
  return raw.split(",").map((entry) => {
    const eq = entry.indexOf("=");
    return eq < 0 ? { key: entry.trim() } : ({ key: entry.slice(0, eq).trim(), value: entry.slice(eq + 1).trim() } satisfies Partial<Tag>);
  });
}
