/**
 * The import rules of design.md §2: synth never loads apply-time code, the bundled runtime
 * never pulls in cdktf or the constructs, and production code never depends on the emulator
 * (which may use only the signer and the contract). Framework cores (cdktf, cdktn) enter the
 * constructs through one module each, `constructs/framework.ts` and
 * `constructs/framework.cdktn.ts` (docs/design-notes.md "One source, two cores"); no provider
 * package at all (the null classes are our own, null-classes.ts, so that no language's
 * assembly depends on one).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";

const LIB = join(__dirname, "..", "lib");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module specifier a file imports (static, dynamic and require). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g)) found.push(match[1]);
  return found;
}

/** The lib/ area (`constructs`, `runtime/signer`, …) a relative import lands in, or the package name. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  return relative(LIB, resolve(dirname(file), specifier)).split("\\").join("/");
}

function violations(area: string, allowed: (target: string) => boolean): string[] {
  return sourceFiles(join(LIB, area)).flatMap((file) =>
    importsOf(file)
      .map((specifier) => target(file, specifier))
      .filter((t) => !allowed(t))
      .map((t) => `${relative(LIB, file)} imports ${t}`),
  );
}

test("constructs import neither the runtime nor the emulator", () => {
  expect(violations("constructs", (t) => !/^(runtime|emulator)(\/|$)/.test(t))).toEqual([]);
});

test("the runtime imports neither cdktf, cdktn, constructs, the constructs nor the emulator", () => {
  expect(
    violations("runtime", (t) => !/^(constructs|emulator)(\/|$)/.test(t) && !/^(cdktf|cdktn|constructs|@cdktf\/)/.test(t)),
  ).toEqual([]);
});

/** A framework core package: what only the framework modules may import. */
const CORE_PACKAGE = /^(cdktf|cdktn|@cdktf\/|@cdktn\/)/;
const FRAMEWORK_MODULES: Record<string, RegExp> = {
  "constructs/framework.ts": /^cdktf(\/|$)/,
  "constructs/framework.cdktn.ts": /^cdktn(\/|$)/,
};

test("only the framework modules import a framework core, each only its own", () => {
  const found = sourceFiles(LIB).flatMap((file) => {
    const name = relative(LIB, file).split("\\").join("/");
    return importsOf(file)
      .filter((specifier) => CORE_PACKAGE.test(specifier))
      .filter((specifier) => !FRAMEWORK_MODULES[name]?.test(specifier))
      .map((specifier) => `${name} imports ${specifier}`);
  });
  expect(found).toEqual([]);
});

test("the framework modules import what they provide (guards the rule above)", () => {
  expect(importsOf(join(LIB, "constructs", "framework.ts"))).toContain("cdktf");
  expect(importsOf(join(LIB, "constructs", "framework.cdktn.ts"))).toContain("cdktn");
  expect(importsOf(join(LIB, "constructs", "lifecycle-resources.ts"))).toContain("./framework");
});

test("the emulator uses only the signer and the contract from the rest of lib/", () => {
  expect(
    violations("emulator", (t) => !/^(constructs|runtime)(\/|$)/.test(t) || /^runtime\/signer(\/|$)/.test(t)),
  ).toEqual([]);
});

test("the checks see real imports (guards against a scanner that finds nothing)", () => {
  expect(importsOf(join(LIB, "constructs", "lifecycle-resources.ts"))).toContain("../contract");
  expect(sourceFiles(join(LIB, "runtime")).length).toBeGreaterThan(10);
});
