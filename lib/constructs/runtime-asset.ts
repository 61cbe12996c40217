/**
 * The bundled runtime CLI, shipped into each stack once as a `TerraformAsset`.
 *
 * The asset hash is the package version, not the content hash: users' snapshots (and the
 * command text in their state) change only when they upgrade this package.
 */
import { AssetType, TerraformAsset, TerraformStack } from "./framework";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { RUNTIME_BUNDLE_FILE, RUNTIME_LAUNCHER_FILE } from "../contract";
import { RUNTIME_ASSET_ID } from "../contract/declarations";
import { packageRootNotFoundError, runtimeBundleMissingError } from "./errors";

/**
 * The npm packages these constructs ship in: `cdktf-dli-packages` (both TypeScript entries, the
 * cdktf assembly) and `cdktn-dli-packages` (the cdktn assembly, built from the same sources by
 * scripts/build-jsii.mjs). Each has the runtime bundle at dist/runtime/.
 */
const PACKAGE_NAMES: readonly string[] = ["cdktf-dli-packages", "cdktn-dli-packages"];

interface PackageInfo {
  readonly root: string;
  readonly version: string;
}

let packageInfo: PackageInfo | undefined;

/**
 * This package's root and version: walks up from this module to the first package.json of one
 * of {@link PACKAGE_NAMES}, so it works from `lib/constructs/*.ts` (ts-jest), from
 * `dist/lib/constructs/*.js`, `dist/lib/cdktn/constructs/*.js` and from either assembly loaded
 * by a jsii kernel alike.
 */
export function thisPackage(): PackageInfo {
  if (packageInfo) return packageInfo;
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (manifest.name !== undefined && PACKAGE_NAMES.includes(manifest.name) && manifest.version) {
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
  return join(runtimeDirectory(), RUNTIME_BUNDLE_FILE);
}

/** The folder shipped as the asset: the bundle and its launcher, nothing else (scripts/bundle-runtime.mjs). */
function runtimeDirectory(): string {
  return join(thisPackage().root, "dist", "runtime");
}

/** The stack's runtime asset (a folder: bundle + launcher), created on first use. */
export function runtimeAsset(stack: TerraformStack): TerraformAsset {
  const existing = stack.node.tryFindChild(RUNTIME_ASSET_ID);
  if (existing) return existing as TerraformAsset;
  for (const file of [RUNTIME_BUNDLE_FILE, RUNTIME_LAUNCHER_FILE]) {
    const path = join(runtimeDirectory(), file);
    if (!existsSync(path)) throw runtimeBundleMissingError(path);
  }
  return new TerraformAsset(stack, RUNTIME_ASSET_ID, {
    path: runtimeDirectory(),
    type: AssetType.DIRECTORY,
    assetHash: thisPackage().version,
  });
}

const commands = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * The provisioner command for a runtime subcommand: the launcher in the stack's asset, run by
 * `/bin/sh` (no execute bit needed; Terraform's local-exec shell is `/bin/sh` too) and `exec`ed,
 * so Terraform's signals reach the runtime. Relative to the stack directory (`path.module`,
 * also under `terraform -chdir=…`), so it is the same on every machine:
 * `exec /bin/sh "${path.module}/assets/DliPackagesRuntime/<version>/dli-packages.sh" upload-group`.
 * Built once per stack and subcommand (a large stack has thousands of provisioners).
 */
export function runtimeCommand(stack: TerraformStack, subcommand: string): string {
  let byCommand = commands.get(stack);
  if (!byCommand) commands.set(stack, (byCommand = new Map()));
  let command = byCommand.get(subcommand);
  if (command === undefined) {
    command = `exec /bin/sh "\${path.module}/${runtimeAsset(stack).path}/${RUNTIME_LAUNCHER_FILE}" ${subcommand}`;
    byCommand.set(subcommand, command);
  }
  return command;
}
