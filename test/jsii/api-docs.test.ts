/**
 * API.md, the API reference jsii-docgen makes from the assembly, is up to date and shipped: the
 * committed file is what jsii-docgen writes for the current build (`npm run docgen` rewrites it),
 * the cdktn package's API.md (derived from it by scripts/build-jsii.mjs) is what jsii-docgen
 * writes for the cdktn assembly, and both packed tarballs carry theirs.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

jest.setTimeout(120_000);

const ROOT = join(__dirname, "..", "..");
const CDKTN = join(ROOT, "build", "cdktn-dli-packages");
const DOCGEN = require.resolve("jsii-docgen/bin/jsii-docgen");
const out = mkdtempSync(join(tmpdir(), "dli-api-docs-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function docgen(dir: string, name: string): string {
  const output = join(out, name);
  execFileSync(process.execPath, [DOCGEN, "--output", output], { cwd: dir, stdio: "pipe", env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: "20" } });
  return readFileSync(output, "utf8");
}

function packedFiles(dir: string): string[] {
  const listing = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--loglevel=error"], { cwd: dir, encoding: "utf8" }));
  return listing[0].files.map((f: { path: string }) => f.path);
}

test("API.md is what jsii-docgen makes of the cdktf assembly (else: npm run docgen)", () => {
  const generated = docgen(ROOT, "cdktf.md");
  expect(generated).toContain("### FilePackageGroup");
  expect(generated).toContain("cdktf-dli-packages.PackageGroupKindProps");
  expect(readFileSync(join(ROOT, "API.md"), "utf8")).toBe(generated);
});

test("the cdktn package's API.md is what jsii-docgen makes of the cdktn assembly", () => {
  // jsii-docgen finds dependencies in the package's own node_modules only: a copy of the package
  // (package.json, .jsii) with cdktn and constructs linked in.
  const dir = join(out, "cdktn-package");
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  for (const file of ["package.json", ".jsii"]) copyFileSync(join(CDKTN, file), join(dir, file));
  for (const name of ["cdktn", "constructs"]) symlinkSync(join(ROOT, "node_modules", name), join(dir, "node_modules", name), "dir");
  const generated = docgen(dir, "cdktn.md");
  expect(generated).toContain("cdktn.TerraformResource");
  expect(generated).not.toMatch(/cdktf/);
  expect(readFileSync(join(CDKTN, "API.md"), "utf8")).toBe(generated);
});

test.each([
  ["cdktf-dli-packages", ROOT],
  ["cdktn-dli-packages", CDKTN],
])("the %s tarball ships API.md, .jsii and the runtime bundle", (_name, dir) => {
  const files = packedFiles(dir);
  expect(files).toEqual(expect.arrayContaining(["API.md", ".jsii", "README.md", "dist/runtime/dli-packages.js", "dist/lib/index.js"]));
});
