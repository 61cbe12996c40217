/**
 * A consumer app as a user's `cdktf init --template=typescript` app sees this package, without
 * the registry: the tarball `npm pack` makes of the built repo, extracted into
 * `node_modules/cdktf-dli-packages` (so `files`, `exports` and `typesVersions` are the
 * published ones), the app's other packages linked from this repo's node_modules, and the
 * template's tsconfig. (consumer-app.ts installs from the registry instead, and skips without it.)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { packThisPackage } from "./consumer-app";
import { CDKTF_INIT_TSCONFIG } from "./type-check";

export const ROOT = join(__dirname, "..", "..", "..");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; dependencies?: Record<string, string> };

/**
 * What the app has besides this package: `cdktf` and `constructs` (cdktf init), the README's
 * `npm install cdktf-dli-packages cdktf constructs`, and the @types a
 * cdktf init app installs (its tsconfig has no `types` field: every @types package is seen).
 */
const APP_PACKAGES = ["cdktf", "constructs", "@types/node", "@types/jest"];

export interface PackedApp {
  readonly dir: string;
  remove(): void;
}

/** Packs the built repo and installs it, with its dependencies linked, into a fresh app directory. */
export function createPackedApp(label: string): PackedApp {
  if (!existsSync(join(ROOT, "dist", "lib", "index.d.ts"))) throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
  const dir = mkdtempSync(join(tmpdir(), `dli-app-${label}-`));
  const { tarball } = packThisPackage();
  const installed = join(dir, "node_modules", PACKAGE.name);
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  rmSync(dirname(tarball), { recursive: true, force: true });
  for (const name of new Set([...Object.keys(PACKAGE.dependencies ?? {}), ...APP_PACKAGES])) {
    const link = join(dir, "node_modules", name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", name), link, "dir");
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `dli-${label}-app`, version: "1.0.0", private: true, main: "main.js" }));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(CDKTF_INIT_TSCONFIG, null, 2));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the repo's TypeScript on the app's tsconfig; returns every diagnostic line by file (relative path). */
export function typeCheckApp(app: PackedApp): Map<string, string[]> {
  let output = "";
  try {
    execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", ".", "--pretty", "false"], { cwd: app.dir, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
  const byFile = new Map<string, string[]>();
  for (const line of output.split("\n").filter((l) => l.trim() !== "")) {
    const file = /^([^(]+)\(\d+,\d+\): /.exec(line)?.[1] ?? "(global)";
    byFile.set(file, [...(byFile.get(file) ?? []), line]);
  }
  return byFile;
}
