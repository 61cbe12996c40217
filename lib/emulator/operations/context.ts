/** What every operation handler gets and returns (one handler per API operation). */
import { Caller, Identity } from "../identity";
import { EmulatorState, groupStatus, packageStatus, StoredGroup, StoredPackage } from "../state";
import { UploadSemantics } from "../options";

/** The runtime-changeable settings the handlers read. */
export interface Settings {
  uploadSemantics: UploadSemantics;
  readyDelayMs: number;
  failPaths: readonly (string | RegExp)[];
  missingObjects: "failed" | "error";
  missingPackageStatus: 404 | 400;
  keepEmptyGroups: boolean;
  acceptObsScheme: boolean;
  tokenLifetimeSeconds: number;
}

export interface OperationContext {
  /** Path parameters: `projectId`, `resourceName`. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body (routes that take one), else undefined. */
  readonly body: unknown;
  /** The authenticated caller (undefined on unauthenticated routes). */
  readonly caller: Caller | undefined;
  readonly now: number;
  readonly state: EmulatorState;
  readonly identity: Identity;
  readonly settings: Settings;
  /** Base URL of this emulator, for links. */
  readonly baseUrl: string;
}

export interface OperationResult {
  readonly status: number;
  /** JSON-serialized; undefined = empty body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Operation = (context: OperationContext) => OperationResult;

/**
 * PackageResource (dli-api.md §1.3 list `details[]`, §1.4 show): exactly the documented fields,
 * `owner` included, `is_async` not (test/emulator/documented-fields.test.ts).
 */
export function packageBody(pkg: StoredPackage, now: number) {
  return { ...fieldsOfEveryPackageBody(pkg, now), owner: pkg.owner };
}

/** An upload response's `details[]` item (dli-api.md §1.1, UploadJobResourcesDetail): `is_async`, no `owner`. */
export function uploadDetailBody(pkg: StoredPackage, now: number) {
  return { ...fieldsOfEveryPackageBody(pkg, now), is_async: pkg.isAsync };
}

/** The fields a package carries in every answer (list, show, upload). */
function fieldsOfEveryPackageBody(pkg: StoredPackage, now: number) {
  return {
    create_time: pkg.createTime,
    update_time: pkg.updateTime,
    resource_type: pkg.kind,
    resource_name: pkg.name,
    status: packageStatus(pkg, now),
    underlying_name: pkg.underlyingName,
  };
}

/**
 * A group in the upload response (dli-api.md §1.1/§1.2) or in the list's `groups[]` (§1.3):
 * the same group fields, but the two documents give their `details[]` items different fields.
 */
export function groupBody(
  group: StoredGroup,
  now: number,
  detail: "upload" | "list",
  packages: readonly StoredPackage[] = group.packages,
) {
  const detailBody = detail === "upload" ? uploadDetailBody : packageBody;
  return {
    group_name: group.name,
    status: groupStatus({ ...group, packages: [...packages] }, now),
    resources: packages.map((p) => p.name),
    details: packages.map((p) => detailBody(p, now)),
    create_time: group.createTime,
    update_time: group.updateTime,
    is_async: group.isAsync,
    owner: group.owner,
  };
}
