/**
 * `dli-packages delete-group` — the identity resource's destroy-time provisioner (design.md §4):
 * list the group, DELETE each package; 404 = already deleted; no group = nothing to do; then a
 * read must show the group gone.
 */
import { listNames } from "../../contract/bounded-text";
import { DECLARATION_ENV } from "../../contract/declarations";
import { configurationDeclarations, stackDirectoryOf } from "../configuration-declarations";
import { describeDeclaration, otherOwnerOf } from "../handover";
import { identityFromEnvironment, PackageGroupIdentity } from "../../contract/environment";
import { createProgress, Progress } from "../progress";
import { openSession } from "../session";
import { verifyGroupIsGone } from "../verify-group";
import { specProblemsError } from "./spec-problems";

export const DELETE_GROUP_HELP = `Usage: dli-packages delete-group

Deletes every package of the group named by DLI_PACKAGES_SPEC (the synthesized provisioner
sets it: kind, group, region, optional project id and endpoint as JSON) or, by hand, by the
DLI_PACKAGES_* identity variables. A package already gone (404) and a group
that does not exist count as deleted, so running it twice is safe. It exits 0 only once a
read shows the group gone (another writer uploading meanwhile makes it exit 1).

As a provisioner (DLI_PACKAGES_DECLARED_BY set by the synthesized stack) it first reads the
cdk.tf.json of the stack whose assets it runs from: when another package-group resource of the
configuration being applied declares the same group (a group handed from one construct to
another), it leaves the group to that resource's upload-group and makes no request.

Credentials, endpoints and project as for upload-group (see dli-packages upload-group --help).
Exit codes: 0 done, 1 failed, 2 usage or configuration.`;

export async function deleteGroup(env: NodeJS.ProcessEnv, progress?: Progress): Promise<void> {
  const parsed = identityFromEnvironment(env);
  if (!parsed.ok) throw specProblemsError(parsed.problems);
  const identity = parsed.identity;
  const log = progress ?? createProgress(`delete-group ${identity.kind} group=${identity.group}`);
  if (leftToAnotherOwner(identity, env, log)) return;
  await deleteGroupByIdentity(identity, env, log);
}

/**
 * Run as a provisioner (DLI_PACKAGES_DECLARED_BY set): when the configuration being applied
 * declares the group through another resource, that resource's upload-group owns it now:
 * leave it, say so, make no request (docs/design-notes.md, "Handing a group over").
 */
function leftToAnotherOwner(identity: PackageGroupIdentity, env: NodeJS.ProcessEnv, log: Progress): boolean {
  const declaredBy = env[DECLARATION_ENV.declaredBy];
  if (declaredBy === undefined) return false;
  const declarations = configurationDeclarations(stackDirectoryOf(process.argv[1] ?? ""));
  const owner = otherOwnerOf(identity, declarations, declaredBy, env);
  if (!owner) return false;
  const where = describeDeclaration(owner.declaration);
  log.step(
    owner.certain
      ? `left to ${where}: the configuration being applied declares group ${identity.group} there, and its upload-group makes the group exactly its spec · nothing deleted, 0 API calls`
      : `left to ${where}: it declares group ${identity.group} in region ${identity.region} and its ${owner.unknown.join(" and ")} may be this group's (only known at apply time) · nothing deleted, 0 API calls; ` +
          `if it is another group, delete this one with: dli-packages delete-group --group ${identity.group} --region ${identity.region}${identity.projectId ? ` --project-id ${identity.projectId}` : ""}`,
  );
  return true;
}

/** What {@link deleteGroupByIdentity} did. */
export interface DeleteResult {
  /** Packages this call deleted. */
  readonly deleted: readonly string[];
  /** Packages already gone (404) when this call deleted them. */
  readonly absent: readonly string[];
  /** API calls made, IAM included, attempts included. */
  readonly requestCount: number;
}

/**
 * The core of `delete-group` for an already-validated identity: list the group, DELETE each
 * package. Also used by the by-name `dli-packages delete-group --group …` form.
 * `env` supplies credentials, endpoint overrides, project id and retry bounds.
 */
export async function deleteGroupByIdentity(identity: PackageGroupIdentity, env: NodeJS.ProcessEnv, log: Progress): Promise<DeleteResult> {
  const session = await openSession({ region: identity.region, specProjectId: identity.projectId, specEndpoint: identity.endpoint, env, progress: log });
  try {
    const group = await session.client.getGroup(identity.group);
    if (!group || group.packages.length === 0) {
      // This read comes after any write of ours (there was none): it is the verification.
      log.step(`group ${identity.group} not found: nothing to delete`);
      log.step(`done (verified gone) · ${session.requestCount()} API calls`);
      return { deleted: [], absent: [], requestCount: session.requestCount() };
    }
    log.step(`deleting ${group.packages.length} package${group.packages.length === 1 ? "" : "s"}`);
    const deleted: string[] = [];
    const absent: string[] = [];
    for (const pkg of group.packages) {
      const result = await session.client.deletePackage(pkg.name, identity.group);
      (result === "deleted" ? deleted : absent).push(pkg.name);
    }
    log.step(`deleted ${deleted.length}${deleted.length > 0 ? `: ${listNames(deleted)}` : ""}${absent.length > 0 ? ` · already gone: ${listNames(absent)}` : ""}`);
    // Another writer may have uploaded meanwhile: exit 0 only once a read shows the group gone.
    await verifyGroupIsGone(session.client, identity.group);
    log.step(`done (verified gone) · ${session.requestCount()} API calls`);
    return { deleted, absent, requestCount: session.requestCount() };
  } finally {
    await session.close();
  }
}
