/**
 * Credentials from the apply-time environment (design.md §4 step 1): AK/SK (optionally
 * temporary, with a security token) under the Terraform provider's names or the SDK's, or an
 * IAM token. The secret values live only in this module's closures; the object handed around
 * redacts itself in every string form, and errors name variables, never values.
 */
import { RUNTIME_ENV } from "../contract/spec";
import { ConfigError } from "./errors";
import { PROJECT_ID_HEADER, signRequest, SignableRequest } from "./signer";
import { obsAuthorization, ObsSignableRequest } from "./signer/obs";

export type CredentialKind = "aksk" | "temporary-aksk" | "token";

/** A request about to be sent, as the signer sees it. */
export interface AuthorizableRequest extends SignableRequest {
  /** Added as `X-Project-Id` before signing (dli-api.md §4.1 step 6) when known. */
  readonly projectId?: string;
}

export interface Credentials {
  readonly kind: CredentialKind;
  /** Where the credentials came from, by variable names only, e.g. `HW_ACCESS_KEY/HW_SECRET_KEY`. */
  readonly source: string;
  /** The headers to send: the given ones plus the signature (or `X-Auth-Token`). Fresh date per call. */
  authorize(request: AuthorizableRequest, now?: Date): Record<string, string>;
  /**
   * The headers to send to OBS: the given ones plus `Date` (fresh per call),
   * `x-obs-security-token` for temporary credentials, and `Authorization: OBS AK:signature`.
   * Throws a {@link ConfigError} for an IAM token, which OBS does not accept.
   */
  authorizeObs(request: ObsSignableRequest, now?: Date): Record<string, string>;
}

/** Why an IAM token cannot stage files, said before any request is sent. */
export const OBS_NEEDS_AKSK = `staging files into OBS needs AK/SK or temporary AK/SK (${RUNTIME_ENV.accessKey[0]}/${RUNTIME_ENV.secretKey[0]}, plus ${RUNTIME_ENV.securityToken[0]} for temporary ones): OBS does not accept the IAM token in ${RUNTIME_ENV.authToken[0]}`;

const REDACTED = "[credentials redacted]";

interface Family {
  readonly ak: string;
  readonly sk: string;
  readonly token: string;
}
const FAMILIES: readonly Family[] = [
  { ak: RUNTIME_ENV.accessKey[0], sk: RUNTIME_ENV.secretKey[0], token: RUNTIME_ENV.securityToken[0] },
  { ak: RUNTIME_ENV.accessKey[1], sk: RUNTIME_ENV.secretKey[1], token: RUNTIME_ENV.securityToken[1] },
];
const AUTH_TOKEN = RUNTIME_ENV.authToken[0];

/** Read and check the credentials; throws {@link ConfigError} (exit 2) naming the variables. */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv): Credentials {
  const value = (name: string) => {
    const v = env[name];
    if (v === undefined || v.trim() === "") return undefined;
    // Sent in a header (X-Auth-Token, X-Security-Token) or the Authorization line: only visible
    // ASCII, and no ',' in an AK (it would add a field to Authorization). Named, never shown.
    if (!/^[\x21-\x7e]+$/.test(v.trim()) || (RUNTIME_ENV.accessKey.includes(name as never) && v.includes(","))) {
      throw new ConfigError(`${name} holds a character that cannot be sent as a credential (a control character, space, non-ASCII character${RUNTIME_ENV.accessKey.includes(name as never) ? " or ','" : ""}); set it again from its source`);
    }
    return v.trim();
  };
  const present = FAMILIES.filter((f) => value(f.ak) || value(f.sk) || value(f.token));
  const authToken = value(AUTH_TOKEN);

  for (const family of present) {
    if (value(family.ak) && !value(family.sk)) throw new ConfigError(`${family.ak} is set but ${family.sk} is not: set both (or unset ${family.ak})`);
    if (!value(family.ak) && value(family.sk)) throw new ConfigError(`${family.sk} is set but ${family.ak} is not: set both (or unset ${family.sk})`);
    if (!value(family.ak) && value(family.token)) throw new ConfigError(`${family.token} is set without ${family.ak}/${family.sk}: a security token only works with its temporary AK/SK`);
  }
  if (present.length === 2) {
    const [a, b] = present;
    const same = value(a.ak) === value(b.ak) && value(a.sk) === value(b.sk) && value(a.token) === value(b.token);
    if (!same) {
      throw new ConfigError(`conflicting credentials: ${a.ak}/${a.sk}/${a.token} and ${b.ak}/${b.sk}/${b.token} are both set with different values; unset one set`);
    }
  }
  if (present.length > 0 && authToken) {
    throw new ConfigError(`conflicting credentials: ${present[0].ak}/${present[0].sk} and ${AUTH_TOKEN} are both set; use AK/SK or an IAM token, not both`);
  }
  if (authToken) return tokenCredentials(authToken);
  if (present.length === 0) {
    throw new ConfigError(
      `no credentials: set ${FAMILIES[0].ak} and ${FAMILIES[0].sk} (plus ${FAMILIES[0].token} for temporary credentials), or ${FAMILIES[1].ak} and ${FAMILIES[1].sk}, or ${AUTH_TOKEN}`,
    );
  }
  const family = present[0];
  return akskCredentials(value(family.ak)!, value(family.sk)!, value(family.token), `${family.ak}/${family.sk}${value(family.token) ? `/${family.token}` : ""}`);
}

function redacting<T extends object>(target: T): T {
  Object.defineProperties(target, {
    toString: { value: () => REDACTED, enumerable: false },
    toJSON: { value: () => REDACTED, enumerable: false },
    [Symbol.for("nodejs.util.inspect.custom")]: { value: () => REDACTED, enumerable: false },
  });
  return target;
}

function withProject(request: AuthorizableRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(request.headers)) if (typeof v === "string") headers[name.toLowerCase()] = v;
  if (request.projectId) headers[PROJECT_ID_HEADER] = request.projectId;
  return headers;
}

function akskCredentials(accessKey: string, secretKey: string, securityToken: string | undefined, source: string): Credentials {
  const key = { accessKey, secretKey, securityToken };
  return redacting({
    kind: securityToken ? ("temporary-aksk" as const) : ("aksk" as const),
    source,
    authorize(request: AuthorizableRequest, now: Date = new Date()) {
      const headers = withProject(request);
      // The caller's headers never carry a date: each attempt is signed with a fresh X-Sdk-Date.
      delete headers["x-sdk-date"];
      return signRequest({ method: request.method, path: request.path, query: request.query, headers, body: request.body }, key, now);
    },
    authorizeObs(request: ObsSignableRequest, now: Date = new Date()) {
      const headers: Record<string, string> = {};
      for (const [name, v] of Object.entries(request.headers)) if (v !== undefined) headers[name.toLowerCase()] = typeof v === "string" ? v : v.join(",");
      // OBS API "Authentication of Signature in a Header": Date within 15 minutes of the
      // server's clock, so each attempt gets its own; the token is one of the signed x-obs-* headers.
      delete headers["x-obs-date"];
      headers.date = now.toUTCString();
      if (securityToken) headers["x-obs-security-token"] = securityToken;
      headers.authorization = obsAuthorization(accessKey, secretKey, { ...request, headers });
      return headers;
    },
  });
}

function tokenCredentials(token: string): Credentials {
  return redacting({
    kind: "token" as const,
    source: AUTH_TOKEN,
    authorize(request: AuthorizableRequest) {
      return { ...withProject(request), "x-auth-token": token };
    },
    authorizeObs(): Record<string, string> {
      throw new ConfigError(OBS_NEEDS_AKSK);
    },
  });
}
