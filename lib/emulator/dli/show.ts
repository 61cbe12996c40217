/** `GET resources/{resource_name}?group=` (dli-api.md §1.4). */
import { dliErrors } from "../errors";
import { Operation } from "../operation";
import { packageBody } from "./bodies";

export const showResource: Operation = ({ params, query, state, now, settings }) => {
  const group = query.get("group") ?? undefined;
  const [found] = state.findPackages(params.projectId, params.resourceName, group);
  if (!found) {
    // dli-api.md §1.4: the status for a missing package is unverified; 404 is what TF expects.
    const where = group === undefined ? "" : ` in group ${group}`;
    throw settings.missingPackageStatus === 400
      ? dliErrors.noSuchObject(`There is no resource named ${params.resourceName}${where}`)
      : dliErrors.notFound(`There is no resource named ${params.resourceName}${where}`);
  }
  return { status: 200, body: packageBody(found.pkg, now) };
};
