/**
 * Installing before the first release (issue 18 §6), as README.md "Before the first release"
 * says: the tarball `npm pack` writes has the name the README gives, the README's `npm install`
 * line runs unchanged in a fresh app beside the clone (npm answering from its cache when it
 * can), and the README's quickstart, compiled with the `cdktf init` tsconfig, synthesizes there.
 * `npm ci` and a git-URL install build the package through its `prepare` script.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { packThisPackage } from "./support/consumer-app";
import { fencedBlocks, readDoc, ROOT } from "./support/docs";
import { CDKTF_INIT_TSCONFIG } from "./support/type-check";

const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string; scripts: Record<string, string> };
const README = readDoc("README.md");

/** The ```bash block under README "### Before the first release…". */
function prereleaseBlock(): string {
  const section = README.split(/^### Before the first release.*$/m)[1]?.split(/^#{2,3} /m)[0] ?? "";
  const block = fencedBlocks("README.md", section).find((b) => b.info === "bash");
  if (!block) throw new Error('README.md: no ```bash block under "### Before the first release"');
  return block.source;
}

let work: string;
let tarball: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "dli-prerelease-"));
  const packed = packThisPackage();
  tarball = packed.tarball;
}, 60_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  if (tarball) rmSync(dirname(tarball), { recursive: true, force: true });
});

test("the tarball npm pack writes is the one the README names, and npm ci / a git URL build it (prepare)", () => {
  const [packLine] = prereleaseBlock().split("\n");
  expect(packLine).toMatch(/^npm ci && npm pack\s+#/);
  expect(basename(tarball)).toBe(`${PACKAGE.name}-${PACKAGE.version}.tgz`);
  expect(packLine).toContain(basename(tarball));
  expect(PACKAGE.scripts.prepare).toBe("npm run build");
});

test("the README's npm install line, unchanged, installs the tarball into a fresh app, and the quickstart synthesizes there", () => {
  const installLine = prereleaseBlock().split("\n")[1];
  expect(installLine).toMatch(/^npm install \.\.\/cdktf-dli-packages\/\S+\.tgz /);
  // The layout the README assumes: the clone (with the tarball) beside the app.
  mkdirSync(join(work, "cdktf-dli-packages"));
  copyFileSync(tarball, join(work, "cdktf-dli-packages", basename(tarball)));
  const app = join(work, "my-app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "my-app", version: "1.0.0", private: true }));
  const install = spawnSync("bash", ["-c", installLine], {
    cwd: app,
    encoding: "utf8",
    timeout: 240_000,
    env: { ...process.env, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" },
  });
  if (install.status !== 0) throw new Error(`${installLine}\nexit ${install.status ?? install.signal}:\n${install.stdout}\n${install.stderr}`);
  const installed = JSON.parse(readFileSync(join(app, "node_modules", PACKAGE.name, "package.json"), "utf8")) as { version: string };
  expect(installed.version).toBe(PACKAGE.version);
  expect(existsSync(join(app, "node_modules", ".bin", "dli-local"))).toBe(true);
  expect(existsSync(join(app, "node_modules", ".bin", "dli-packages"))).toBe(true);

  const quickstart = fencedBlocks("README.md", README).find((b) => b.info === "ts");
  expect(quickstart?.source).toContain("new FilePackageGroup(");
  writeFileSync(join(app, "main.ts"), quickstart!.source);
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify(CDKTF_INIT_TSCONFIG, null, 2));
  execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", ".", "--pretty", "false"], { cwd: app, encoding: "utf8" });
  // The build output the quickstart stages (its second group).
  mkdirSync(join(app, "dist"));
  writeFileSync(join(app, "dist", "udf.py"), "def udf(x):\n    return x\n");
  execFileSync(process.execPath, ["main.js"], { cwd: app, encoding: "utf8" });
  const stack = JSON.parse(readFileSync(join(app, "cdktf.out", "stacks", "dli", "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, unknown>> };
  expect(Object.keys(stack.resource.null_resource)).toHaveLength(4); // each group's identity and content
  expect(existsSync(join(app, "cdktf.out", "stacks", "dli", "assets", "DliPackagesFile-udfpy"))).toBe(true);
  expect(existsSync(join(app, "cdktf.out", "stacks", "dli", "assets", "DliPackagesRuntime", PACKAGE.version, "dli-packages.js"))).toBe(true);
}, 300_000);
