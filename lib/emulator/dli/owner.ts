/** `PUT resources/owner` (dli-api.md §1.6): change the owner of a group or of a package in it. */
import { dliErrors } from "../errors";
import { Operation } from "../operation";
import { requireObject } from "./upload";

const OWNER = /^[A-Za-z_-][A-Za-z0-9_-]{4,31}$/;
const GROUP_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const RESOURCE_NAME = /^[A-Za-z0-9_!-][A-Za-z0-9_!.-]{0,127}$/;

export const changeOwner: Operation = ({ body, params, state, identity, now }) => {
  const request = requireObject(body);
  const { new_owner: newOwner, group_name: group, resource_name: resource } = request;
  const problems: string[] = [];
  if (typeof newOwner !== "string" || !OWNER.test(newOwner)) problems.push(`new_owner: ${JSON.stringify(newOwner)} must be 5–32 letters, digits, '_' or '-', not starting with a digit`);
  if (typeof group !== "string" || !GROUP_NAME.test(group)) problems.push(`group_name: ${JSON.stringify(group)} is required: ≤64 letters, digits, '.', '_' or '-'`);
  if (resource !== undefined && (typeof resource !== "string" || !RESOURCE_NAME.test(resource))) {
    problems.push(`resource_name: ${JSON.stringify(resource)} must be ≤128 letters, digits, '_', '!', '-', '.', not starting with '.'`);
  }
  if (problems.length > 0) throw dliErrors.parameter(problems.join("; "));
  if (!identity.knowsUser(newOwner as string)) throw dliErrors.noSuchObject(`No such user. userName:${newOwner}`);
  const changed = state.setOwner(params.projectId, group as string, resource as string | undefined, newOwner as string, now);
  if (!changed) {
    throw dliErrors.notFound(resource === undefined ? `There is no group named ${group}` : `There is no resource named ${resource} in group ${group}`);
  }
  return { status: 200, body: { is_success: true, message: "" } };
};
