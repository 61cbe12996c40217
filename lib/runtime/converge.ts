/**
 * Make the group exactly the spec (design.md §4 step 6): whether a same-name upload replaced
 * the group or merged into it (dli-api.md §1.1, open question §7.1), delete every package the
 * spec does not declare.
 */
import { DliClient, LiveGroup } from "./dli-client";

/** Package names in the group that the spec does not declare. */
export function extraPackages(group: LiveGroup | undefined, declared: readonly string[]): string[] {
  const wanted = new Set(declared);
  return (group?.packages ?? []).map((p) => p.name).filter((name) => !wanted.has(name));
}

export async function converge(client: DliClient, group: LiveGroup, declared: readonly string[]): Promise<string[]> {
  const extra = extraPackages(group, declared);
  for (const name of extra) await client.deletePackage(name, group.name);
  return extra;
}
