/** The DLI response bodies shared by several operations (exactly the documented fields). */
import { groupStatus, packageStatus, StoredGroup, StoredPackage } from "./state";

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
