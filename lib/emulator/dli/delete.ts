/** `DELETE resources/{resource_name}?group=` (dli-api.md §1.5): 200 with no body; 404 if absent. */
import { dliErrors } from "../errors";
import { Operation } from "../operation";

export const deleteResource: Operation = ({ params, query, state, now, settings }) => {
  const group = query.get("group") ?? undefined;
  const found = state.findPackages(params.projectId, params.resourceName, group);
  if (found.length === 0) {
    throw dliErrors.notFound(`There is no resource named ${params.resourceName}${group === undefined ? "" : ` in group ${group}`}`);
  }
  if (found.length > 1) {
    throw dliErrors.parameter(
      `resource ${params.resourceName} is in several groups (${found.map((f) => f.group.name).join(", ")}); pass ?group= to say which`,
    );
  }
  state.deletePackage(params.projectId, found[0].group.name, params.resourceName, now, settings.keepEmptyGroups);
  return { status: 200 };
};
