/**
 * Every public subpath of the package type-checks in a consumer under every module resolution
 * a user's tsconfig can pick, node10 included (`cdktf init --template=typescript` writes
 * `module: CommonJS`, which ignores `exports`: hence `typesVersions` in package.json). Runs the
 * repo's TypeScript 5.9 on a consumer whose node_modules/cdktf-dli-packages is a link to this
 * repo's built package, so it needs no registry; consumer.test.ts repeats the check on real
 * installs of the packed tarball, with TypeScript 5.9 and 7.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOLUTION_MODES, typeCheck } from "./support/type-check";

const ROOT = join(__dirname, "..", "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/** One named value export per public subpath; the test fails when `exports` gains a subpath not listed here. */
const SUBPATH_PROBES: Record<string, string> = {
  ".": "FilePackageGroup",
  "./cdktn": "JarPackageGroup",
  "./emulator": "startEmulator",
};

const specifier = (subpath: string) => (subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);

let app: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "lib", "index.d.ts"))) throw new Error("dist/ is missing: run `npm run build` first");
  app = mkdtempSync(join(tmpdir(), "dli-typings-"));
  mkdirSync(join(app, "node_modules", "@types"), { recursive: true });
  symlinkSync(ROOT, join(app, "node_modules", pkg.name), "dir");
  symlinkSync(join(ROOT, "node_modules", "@types", "node"), join(app, "node_modules", "@types", "node"), "dir");
});
afterAll(() => app && rmSync(app, { recursive: true, force: true }));

const consumerSource = Object.entries(SUBPATH_PROBES)
  .map(([subpath, name], i) => `import { ${name} as probe${i} } from "${specifier(subpath)}";\nexport const value${i} = probe${i};\n`)
  .join("");

test("every subpath in package.json `exports` has a probe here (and every probe is exported)", () => {
  const subpaths = Object.keys(pkg.exports).filter((s) => s !== "./package.json");
  expect(subpaths.sort()).toEqual(Object.keys(SUBPATH_PROBES).sort());
});

test.each(Object.keys(RESOLUTION_MODES))("every public subpath type-checks under %s", (mode) => {
  const result = typeCheck(app, TSC, `consumer-${Object.keys(RESOLUTION_MODES).indexOf(mode)}`, consumerSource, RESOLUTION_MODES[mode]);
  expect(result.output).toBe("");
  expect(result.ok).toBe(true);
});

/** The construct entries are used in apps with no @types/node in scope (TypeScript ≥ 6 loads no @types package unless `types` names it). */
const CONSTRUCT_ENTRIES = Object.keys(SUBPATH_PROBES).filter((subpath) => subpath !== "./emulator");

test.each(Object.keys(RESOLUTION_MODES))("the construct entries (%s) type-check with no @types package at all (types: [])", (mode) => {
  const source = CONSTRUCT_ENTRIES.map((subpath, i) => `import * as entry${i} from "${specifier(subpath)}";\nexport const names${i} = Object.keys(entry${i});\n`).join("");
  const result = typeCheck(app, TSC, `no-types-${Object.keys(RESOLUTION_MODES).indexOf(mode)}`, source, { ...RESOLUTION_MODES[mode], types: [] });
  expect(result.output).toBe("");
  expect(result.ok).toBe(true);
});

test("a node-only name in a consumer is refused under types: [] (the check can fail)", () => {
  const result = typeCheck(app, TSC, "no-types-canary", "export const env: NodeJS.ProcessEnv = {};\n", { types: [] });
  expect(result.ok).toBe(false);
  expect(result.output).toContain("TS2503");
});

test("a subpath the package does not have is refused (the check can fail)", () => {
  const source = `import { nothing } from "${pkg.name}/no-such-subpath";\nexport const v = nothing;\n`;
  const result = typeCheck(app, TSC, "missing", source, {});
  expect(result.ok).toBe(false);
  expect(result.output).toContain("TS2307");
});
