/**
 * Every public subpath of the package type-checks in a consumer under every module resolution
 * a user's tsconfig can pick: node10 (what `cdktf init --template=typescript` generates:
 * `module: CommonJS`, which ignores `exports`, hence `typesVersions` in package.json), node16,
 * nodenext and bundler. Runs tsc (the repo's TypeScript 5.9) on a consumer whose
 * node_modules/cdktf-dli-packages is a link to this repo's built package; the packed-tarball
 * consumer test (consumer.test.ts) repeats this with TypeScript 7 on a real install.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/** One named value export per public subpath; the test fails when `exports` gains a subpath not listed here. */
const SUBPATH_PROBES: Record<string, string> = {
  ".": "FilePackageGroup",
  "./cdktn": "JarPackageGroup",
  "./emulator": "startEmulator",
};

/** tsconfig compilerOptions per resolution mode; node10 is the `cdktf init` tsconfig's effective mode. */
const MODES: Record<string, Record<string, unknown>> = {
  "node10 (module CommonJS, as cdktf init)": { module: "CommonJS" },
  node16: { module: "Node16", moduleResolution: "Node16" },
  nodenext: { module: "NodeNext", moduleResolution: "NodeNext" },
  bundler: { module: "ESNext", moduleResolution: "Bundler" },
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

/** Type-checks `source` with the given options (strict, as cdktf init, and with lib checking on); returns tsc's output. */
function typeCheck(name: string, source: string, options: Record<string, unknown>): { ok: boolean; output: string } {
  writeFileSync(join(app, `${name}.ts`), source);
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2022"],
      types: ["node"],
      strict: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      skipLibCheck: false,
      noEmit: true,
      ...options,
    },
    files: [`${name}.ts`],
  };
  writeFileSync(join(app, `${name}.tsconfig.json`), JSON.stringify(tsconfig));
  try {
    execFileSync(process.execPath, [TSC, "-p", `${name}.tsconfig.json`], { cwd: app, encoding: "utf8", stdio: "pipe" });
    return { ok: true, output: "" };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

const consumerSource = Object.entries(SUBPATH_PROBES)
  .map(([subpath, name], i) => `import { ${name} as probe${i} } from "${specifier(subpath)}";\nexport const value${i} = probe${i};\n`)
  .join("");

test("every subpath in package.json `exports` has a probe here (and every probe is exported)", () => {
  const subpaths = Object.keys(pkg.exports).filter((s) => s !== "./package.json");
  expect(subpaths.sort()).toEqual(Object.keys(SUBPATH_PROBES).sort());
});

test.each(Object.keys(MODES))("every public subpath type-checks under %s", (mode) => {
  const result = typeCheck(`consumer-${Object.keys(MODES).indexOf(mode)}`, consumerSource, MODES[mode]);
  expect(result.output).toBe("");
  expect(result.ok).toBe(true);
});

test("a subpath the package does not have is refused (the check can fail)", () => {
  const result = typeCheck("missing", `import { nothing } from "${pkg.name}/no-such-subpath";\nexport const v = nothing;\n`, MODES["node10 (module CommonJS, as cdktf init)"]);
  expect(result.ok).toBe(false);
  expect(result.output).toContain("TS2307");
});
