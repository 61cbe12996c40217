/**
 * An entry loaded in an app without its framework core — the quickstart's cdktf import copied
 * into a CDK Terrain app, or the `/cdktn` entry in a cdktf app — stops with one line naming the
 * entry to import instead (and the install line for that core), not node's "Cannot find module"
 * with a require stack. The app: the packed tarball and `constructs`, no core at all.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { packThisPackage } from "./support/consumer-app";
import { ROOT } from "./support/packed-app";

let app: string;
beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), "dli-no-core-"));
  const { tarball } = packThisPackage();
  const installed = join(app, "node_modules", "cdktf-dli-packages");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  rmSync(dirname(tarball), { recursive: true, force: true });
  symlinkSync(join(ROOT, "node_modules", "constructs"), join(app, "node_modules", "constructs"), "dir");
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "dli-no-core-app", version: "1.0.0", private: true }));
}, 120_000);
afterAll(() => app && rmSync(app, { recursive: true, force: true }));

const CASES = [
  ["cdktf-dli-packages", /^cdktf-dli-packages is built on cdktf, which is not installed here: in a CDK Terrain \(cdktn\) app import from "cdktf-dli-packages\/cdktn" instead; for cdktf run `npm install cdktf@\^0\.21\.0`$/],
  ["cdktf-dli-packages/cdktn", /^cdktf-dli-packages\/cdktn is built on cdktn, which is not installed here: in a cdktf app import from "cdktf-dli-packages" instead; for cdktn run `npm install cdktn@\^0\.24\.0`$/],
] as const;

test.each(CASES)("require(%j) without its core: one line naming the entry to use and the install line", (entry, expected) => {
  const run = spawnSync(process.execPath, ["-e", `try { require(${JSON.stringify(entry)}); } catch (e) { process.stderr.write(e.message); process.exit(1); }`], {
    cwd: app,
    encoding: "utf8",
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(expected);
});

test("the emulator subpath needs no core (the check is the constructs' own)", () => {
  const run = spawnSync(process.execPath, ["-e", `process.stdout.write(typeof require("cdktf-dli-packages/emulator").startEmulator)`], { cwd: app, encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.stdout).toBe("function");
});
