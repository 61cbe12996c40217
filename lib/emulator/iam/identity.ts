/**
 * Who may call: AK/SK credentials (permanent and temporary), IAM users, projects, and the
 * X-Auth-Tokens the emulated IAM issued. Decides the caller of a request, or throws the
 * gateway error (dli-api.md §4.1, §4.2, §4.3).
 */
import { randomBytes } from "node:crypto";
import { HeaderMap, headerValue, parseAuthorizationHeader, PROJECT_ID_HEADER, SECURITY_TOKEN_HEADER } from "../../runtime/signer";
import { gatewayErrors } from "../errors";
import { CredentialOptions, DEFAULTS, ProjectOptions, UserOptions } from "../options";
import { verifySignature, VerifiableRequest } from "../verify-signature";

export interface Caller {
  readonly via: "aksk" | "token";
  /** AK for signed requests, user name for tokens. */
  readonly principal: string;
  /** Owner name recorded on what the caller uploads. */
  readonly owner: string;
  /** Projects the caller may use. */
  readonly projectIds: ReadonlySet<string>;
}

export interface IssuedToken {
  readonly token: string;
  readonly user: string;
  readonly projectId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface Project {
  readonly id: string;
  readonly name: string;
  readonly domainId: string;
}

export class Identity {
  readonly projects: readonly Project[];
  readonly users: readonly Required<UserOptions>[];
  private readonly credentials = new Map<string, CredentialOptions>();
  private readonly tokens = new Map<string, IssuedToken>();
  /** Consecutive signature failures and lock expiry per AK (dli-api.md §4.1 step 8). */
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();
  /** 0 = no lockout. */
  lockout = { afterFailures: 0, ms: DEFAULTS.lockoutMs as number };

  constructor(main: { accessKey: string; secretKey: string; projectId: string; region: string }, extra: {
    projects?: readonly ProjectOptions[];
    credentials?: readonly CredentialOptions[];
    users?: readonly UserOptions[];
  }) {
    this.projects = [
      { id: main.projectId, name: main.region, domainId: DEFAULTS.domainId },
      ...(extra.projects ?? []).map((p) => ({ id: p.id, name: p.name, domainId: p.domainId ?? DEFAULTS.domainId })),
    ];
    this.users = (extra.users && extra.users.length > 0 ? extra.users : [DEFAULTS.user]).map((u) => ({
      name: u.name,
      password: u.password,
      domain: u.domain ?? DEFAULTS.user.domain,
    }));
    this.credentials.set(main.accessKey, { accessKey: main.accessKey, secretKey: main.secretKey });
    for (const credential of extra.credentials ?? []) this.credentials.set(credential.accessKey, credential);
  }

  /** The credential of an access key (OBS checks its own signature with it: obs/authenticate.ts). */
  credential(accessKey: string): CredentialOptions | undefined {
    return this.credentials.get(accessKey);
  }

  /** The IAM domain (account) id every bucket of this account belongs to. */
  get domainId(): string {
    return this.projects[0].domainId;
  }

  projectsNamed(name: string | null): Project[] {
    return name === null ? [...this.projects] : this.projects.filter((p) => p.name === name);
  }

  /** The caller of a request: X-Auth-Token when present, else the AK/SK signature. */
  authenticate(request: VerifiableRequest, now: number, maxClockSkewMs: number): Caller {
    const token = headerValue(request.headers, "x-auth-token");
    if (token !== undefined) return this.fromToken(token, now);
    const claimedKey = parseAuthorizationHeader(headerValue(request.headers, "authorization"))?.accessKey;
    const record = claimedKey === undefined ? undefined : this.failures.get(claimedKey);
    if (record && now < record.lockedUntil) throw gatewayErrors.authentication("AK access failed to reach the limit,forbidden");
    const result = verifySignature(request, {
      secretFor: (ak) => this.credentials.get(ak)?.secretKey,
      now,
      maxClockSkewMs,
    });
    if (!result.ok) {
      if (claimedKey !== undefined && this.lockout.afterFailures > 0 && this.credentials.has(claimedKey)) {
        // A lock that has run out starts the count afresh.
        const count = (record && record.lockedUntil === 0 ? record.count : 0) + 1;
        const locked = count > this.lockout.afterFailures; // "more than N consecutive failures"
        this.failures.set(claimedKey, { count: locked ? 0 : count, lockedUntil: locked ? now + this.lockout.ms : 0 });
      }
      throw gatewayErrors.authentication(result.reason);
    }
    this.failures.delete(result.accessKey);
    const credential = this.credentials.get(result.accessKey)!;
    this.checkSecurityToken(credential, request.headers, now);
    return {
      via: "aksk",
      principal: credential.accessKey,
      owner: credential.owner ?? this.users[0].name,
      projectIds: new Set(credential.projectIds ?? this.projects.map((p) => p.id)),
    };
  }

  /** dli-api.md §4.3 APIGW.0310: the project in the path must be one the caller may use. */
  checkProject(caller: Caller, projectId: string, headers: HeaderMap): void {
    if (!this.projects.some((p) => p.id === projectId)) throw gatewayErrors.projectUnavailable(projectId, "no such project in this account");
    if (!caller.projectIds.has(projectId)) {
      throw gatewayErrors.projectUnavailable(projectId, caller.via === "token" ? "the token is scoped to another project" : "the credential has no access to it");
    }
    const headerProject = headerValue(headers, PROJECT_ID_HEADER);
    if (headerProject !== undefined && headerProject.trim() !== projectId) {
      throw gatewayErrors.projectUnavailable(projectId, `X-Project-Id ${headerProject} differs from the project in the path`);
    }
  }

  /** IAM password authentication (dli-api.md §4.2); undefined when name/password/domain do not match. */
  issueToken(userName: string, password: string, domain: string | undefined, projectId: string, now: number, lifetimeSeconds: number): IssuedToken | undefined {
    const user = this.users.find((u) => u.name === userName && u.password === password && (domain === undefined || domain === u.domain));
    if (!user) return undefined;
    const issued: IssuedToken = {
      token: `MIIdli-local-${randomBytes(24).toString("hex")}`,
      user: user.name,
      projectId,
      issuedAt: now,
      expiresAt: now + lifetimeSeconds * 1000,
    };
    this.tokens.set(issued.token, issued);
    return issued;
  }

  /**
   * The user a `POST /v3/auth/tokens` body authenticates as (name, password and domain match),
   * else undefined: the throttle key of the password route, so wrong passwords spend no bucket.
   */
  passwordUser(body: Buffer): string | undefined {
    let user: { name?: unknown; password?: unknown; domain?: { name?: unknown } } | undefined;
    try {
      user = (JSON.parse(body.toString("utf8")) as any)?.auth?.identity?.password?.user;
    } catch {
      return undefined;
    }
    const domain = user?.domain?.name;
    return this.users.find((u) => u.name === user?.name && u.password === user?.password && (domain === undefined || domain === u.domain))?.name;
  }

  knowsUser(name: string): boolean {
    return this.users.some((u) => u.name === name);
  }

  clearTokens(): void {
    this.tokens.clear();
    this.failures.clear();
  }

  private fromToken(token: string, now: number): Caller {
    const issued = this.tokens.get(token.trim());
    if (!issued) throw gatewayErrors.authentication("decrypt token fail (X-Auth-Token was not issued by this IAM)");
    if (now >= issued.expiresAt) throw gatewayErrors.tokenExpired(`the X-Auth-Token expired at ${new Date(issued.expiresAt).toISOString()}`);
    return { via: "token", principal: issued.user, owner: issued.user, projectIds: new Set([issued.projectId]) };
  }

  private checkSecurityToken(credential: CredentialOptions, headers: HeaderMap, now: number): void {
    const sent = headerValue(headers, SECURITY_TOKEN_HEADER);
    if (credential.securityToken === undefined) {
      if (sent !== undefined) throw gatewayErrors.authentication(`X-Security-Token sent with the permanent access key ${credential.accessKey}`);
      return;
    }
    if (sent === undefined) throw gatewayErrors.authentication(`the temporary access key ${credential.accessKey} needs X-Security-Token`);
    if (sent.trim() !== credential.securityToken) throw gatewayErrors.authentication("X-Security-Token is invalid for this access key");
    if (credential.expiresAt !== undefined && now >= credential.expiresAt) {
      throw gatewayErrors.tokenExpired(`the temporary credential ${credential.accessKey} expired at ${new Date(credential.expiresAt).toISOString()}`);
    }
  }
}
