/**
 * The bundled runtime CLI, shipped into each stack once as a `TerraformAsset`.
 *
 * The asset hash is the package version, not the content hash: users' snapshots (and the
 * command text in their state) change only when they upgrade this package.
 */
import { AssetType, TerraformAsset, TerraformStack } from "./framework";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { RUNTIME_BUNDLE_FILE } from "../contract";
import { packageRootNotFoundError, runtimeBundleMissingError } from "./errors";
import { NODE_GUARD } from "./node-guard";

const PACKAGE_NAME = "cdktf-dli-packages";
/** Construct id of the asset on the stack (also its folder under `assets/`). */
export const RUNTIME_ASSET_ID = "DliPackagesRuntime";

interface PackageInfo {
  readonly root: string;
  readonly version: string;
}

let packageInfo: PackageInfo | undefined;

/**
 * This package's root and version: walks up from this module to our package.json, so it works
 * from `lib/constructs/*.ts` (ts-jest) and from `dist/lib/constructs/*.js` alike.
 */
export function thisPackage(): PackageInfo {
  if (packageInfo) return packageInfo;
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME && manifest.version) {
        packageInfo = { root: dir, version: manifest.version };
        return packageInfo;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw packageRootNotFoundError(__dirname);
    dir = parent;
  }
}

/** Absolute path of the bundled runtime CLI this package ships. */
export function runtimeBundlePath(): string {
  return join(thisPackage().root, "dist", "runtime", RUNTIME_BUNDLE_FILE);
}

/** The stack's runtime asset, created on first use. */
export function runtimeAsset(stack: TerraformStack): TerraformAsset {
  const existing = stack.node.tryFindChild(RUNTIME_ASSET_ID);
  if (existing) return existing as TerraformAsset;
  const bundle = runtimeBundlePath();
  if (!existsSync(bundle)) throw runtimeBundleMissingError(bundle);
  return new TerraformAsset(stack, RUNTIME_ASSET_ID, {
    path: bundle,
    type: AssetType.FILE,
    assetHash: thisPackage().version,
  });
}

/**
 * The provisioner command for a runtime subcommand, relative to the stack directory
 * (`path.module`), so it is the same on every machine: the node guard, then `exec node` (the
 * shell is replaced, so signals reach the runtime as before).
 */
export function runtimeCommand(stack: TerraformStack, subcommand: string): string {
  return `${NODE_GUARD}exec node "\${path.module}/${runtimeAsset(stack).path}" ${subcommand}`;
}
