/** The emulated IAM's `POST /v3/auth/tokens` (dli-api.md §4.2): a project-scoped token for a password. */
import { iamErrors } from "../errors";
import { Operation } from "../operation";

export const createToken: Operation = ({ body, identity, now, settings, baseUrl }) => {
  const auth = (body as { auth?: any } | undefined)?.auth;
  const methods = auth?.identity?.methods;
  const user = auth?.identity?.password?.user;
  if (!Array.isArray(methods) || !methods.includes("password") || typeof user?.name !== "string" || typeof user?.password !== "string") {
    throw iamErrors.badRequest("auth.identity must use the password method with user.name and user.password");
  }
  const domain: string | undefined = user.domain?.name;
  const scope = auth?.scope?.project;
  if (typeof scope?.id !== "string" && typeof scope?.name !== "string") {
    throw iamErrors.badRequest("auth.scope.project.id or auth.scope.project.name is required (DLI needs a project-scoped token)");
  }
  const project = identity.projects.find((p) => (typeof scope.id === "string" ? p.id === scope.id : p.name === scope.name));
  if (!project) throw iamErrors.badRequest(`no project ${JSON.stringify(scope.id ?? scope.name)} in this account`);
  const issued = identity.issueToken(user.name, user.password, domain, project.id, now, settings.tokenLifetimeSeconds);
  if (!issued) throw iamErrors.wrongPassword();
  const domainInfo = { id: project.domainId, name: identity.users.find((u) => u.name === issued.user)!.domain };
  return {
    status: 201,
    headers: { "X-Subject-Token": issued.token },
    body: {
      token: {
        expires_at: new Date(issued.expiresAt).toISOString(),
        issued_at: new Date(issued.issuedAt).toISOString(),
        methods: ["password"],
        project: { id: project.id, name: project.name, domain: domainInfo },
        user: { id: issued.user, name: issued.user, domain: domainInfo },
        catalog: [{ type: "dli", name: "dli", endpoints: [{ interface: "public", region: project.name, url: baseUrl }] }],
      },
    },
  };
};
