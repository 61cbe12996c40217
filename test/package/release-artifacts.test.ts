/**
 * The publish path, without publishing (issue 18 §5): scripts/release-artifacts.mjs lays out
 * what the release workflow hands to publib and fails, one line per problem, where a release
 * would fail on the tag; .ci/run runs it with --publish-dry-run on every pull request.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support/docs";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "dli-release-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, "scripts", "release-artifacts.mjs"), ...args], { cwd: work, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A wheel (a zip) whose METADATA says `version`, where jsii-pacmak puts it. */
function fakeWheel(dir: string, version: string): void {
  const build = join(dir, "wheel-build");
  mkdirSync(join(build, `cdktf_dli_packages-${version}.dist-info`), { recursive: true });
  writeFileSync(join(build, `cdktf_dli_packages-${version}.dist-info`, "METADATA"), `Metadata-Version: 2.1\nName: cdktf-dli-packages\nVersion: ${version}\n`);
  mkdirSync(join(dir, "python"), { recursive: true });
  spawnSync("zip", ["-qr", join(dir, "python", `cdktf_dli_packages-${version}-py3-none-any.whl`), "."], { cwd: build });
}

test("the npm tarball is laid out for publib, holds the docs, and npm publish --dry-run accepts it", () => {
  const result = run(["out", "--publish-dry-run", "--languages-from", "no-pacmak-output"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  expect(existsSync(join(work, "out", "js", `cdktf-dli-packages-${VERSION}.tgz`))).toBe(true);
  // …and the cdktn package beside it (scripts/build-jsii.mjs builds it; publib-npm publishes every tarball of js/).
  expect(existsSync(join(work, "out", "js", `cdktn-dli-packages-${VERSION}.tgz`))).toBe(true);
  expect(readFileSync(join(work, "out", "releasetag.txt"), "utf8")).toBe(`v${VERSION}\n`);
  expect(readFileSync(join(work, "out", "changelog.md"), "utf8")).toMatch(new RegExp(`^## \\[${VERSION.replace(/\./g, "\\.")}\\]`));
  expect(result.stdout).toContain(`npm publish --dry-run: cdktf-dli-packages@${VERSION} would be published`);
  // What npm search and Construct Hub read, of both packages.
  for (const [name, core] of [["cdktf-dli-packages", "cdktf"], ["cdktn-dli-packages", "cdktn"]]) {
    expect(result.stdout).toMatch(new RegExp(`${name}-${VERSION.replace(/\./g, "\\.")}\\.tgz: listed with keywords ${core}, .*constructs.*huaweicloud.*dli.*; stability experimental; README and \\.jsii readme with the TypeScript and Python quickstarts`));
  }
}, 120_000);

test("in GitHub Actions, a repository.url naming another repository fails (npm provenance would refuse it)", () => {
  const result = spawnSync(process.execPath, [join(ROOT, "scripts", "release-artifacts.mjs"), "out", "--languages-from", "no-pacmak-output"], {
    cwd: work,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, GITHUB_REPOSITORY: "someone-else/elsewhere" },
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/repository\.url .* is not the repository building it \(github\.com\/someone-else\/elsewhere\)/);
}, 120_000);

test("a tag that does not name the version fails, naming both", () => {
  const result = run(["out", "--tag", "v99.0.0", "--languages-from", "no-pacmak-output"]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`tag v99.0.0 does not name the version in package.json (${VERSION})`);
}, 120_000);

test("a language package of another version fails; of this version it is copied into the layout", () => {
  fakeWheel(join(work, "stale"), "0.0.1");
  const stale = run(["out", "--languages-from", "stale"]);
  expect(stale.code).toBe(1);
  expect(stale.stderr).toMatch(/python: .*cdktf_dli_packages-0\.0\.1-py3-none-any\.whl is version 0\.0\.1, not /);
  fakeWheel(join(work, "fresh"), VERSION);
  const fresh = run(["out", "--languages-from", "fresh"]);
  expect(fresh.stderr).toBe("");
  expect(fresh.code).toBe(0);
  expect(existsSync(join(work, "out", "python", `cdktf_dli_packages-${VERSION}-py3-none-any.whl`))).toBe(true);
}, 120_000);

test("jsii-pacmak --code-only output, per assembly: each target's version is checked; under a tag, code alone fails (publib needs packages)", () => {
  const layout = (dir: string, pythonVersion: string) => {
    mkdirSync(join(work, dir, "cdktn-dli-packages", "python"), { recursive: true });
    writeFileSync(join(work, dir, "cdktn-dli-packages", "python", "setup.py"), `kwargs = json.loads(\n    """\n{\n    "name": "cdktn-dli-packages",\n    "version": "${pythonVersion}",\n}\n"""\n)\n`);
    mkdirSync(join(work, dir, "cdktn-dli-packages", "go", "cdktndlipackages"), { recursive: true });
    writeFileSync(join(work, dir, "cdktn-dli-packages", "go", "cdktndlipackages", "go.mod"), "module example.com/cdktndlipackages\n");
    writeFileSync(join(work, dir, "cdktn-dli-packages", "go", "cdktndlipackages", "version"), `${VERSION}\n`);
  };
  layout("code-stale", "0.0.1");
  const stale = run(["out", "--languages-from", "code-stale"]);
  expect(stale.code).toBe(1);
  expect(stale.stderr).toMatch(/python: .*cdktn-dli-packages\/python\/setup\.py \(generated code\) is version 0\.0\.1, not /);
  layout("code-fresh", VERSION);
  const fresh = run(["out", "--languages-from", "code-fresh"]);
  expect(fresh.stderr).toBe("");
  expect(fresh.code).toBe(0);
  expect(fresh.stdout).toMatch(/python: generated code only/);
  expect(existsSync(join(work, "out", "go", "cdktndlipackages", "go.mod"))).toBe(true); // Go modules are published as sources
  const tagged = run(["out", "--languages-from", "code-fresh", "--tag", `v${VERSION}`]);
  expect(tagged.code).toBe(1);
  expect(tagged.stderr).toMatch(/python: only generated code under .*: the release needs the built packages/);
}, 120_000);

test(".ci/run runs the publish path in dry-run after the tests", () => {
  const ci = readFileSync(join(ROOT, ".ci", "run"), "utf8");
  expect(ci).toMatch(/^node scripts\/release-artifacts\.mjs \.tmp\/release --publish-dry-run \|\| status=1$/m);
  expect(ci.indexOf("release-artifacts.mjs")).toBeGreaterThan(ci.indexOf("npm test"));
});

describe(".github/workflows/release.yml", () => {
  // js-yaml comes with jest (@istanbuljs/load-nyc-config); only its load() is used.
  const { load } = require("js-yaml") as { load(text: string): unknown };
  interface Step { uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown> }
  interface Job { needs?: string | string[]; if?: string; permissions?: Record<string, string>; steps: Step[] }
  const workflow = load(readFileSync(join(ROOT, ".github", "workflows", "release.yml"), "utf8")) as { on: { push: { tags: string[] } }; env: Record<string, string>; jobs: Record<string, Job> };
  const runs = (job: Job) => job.steps.map((step) => step.run ?? "").join("\n");

  test("runs on a version tag only, and pins publib", () => {
    expect(Object.keys(workflow.on)).toEqual(["push"]);
    expect(workflow.on.push.tags).toContain("v[0-9]+.[0-9]+.[0-9]+");
    expect(workflow.env.PUBLIB).toMatch(/^publib@\d+\.\d+\.\d+$/);
  });

  test("builds and tests with the CI entry point, then lays out and checks the release for the tag", () => {
    const release = workflow.jobs.release;
    expect(runs(release)).toContain("bash .ci/run");
    expect(runs(release)).toContain('node scripts/release-artifacts.mjs dist-release --tag "$GITHUB_REF_NAME" --publish-dry-run');
    expect(runs(release).indexOf("bash .ci/run")).toBeLessThan(runs(release).indexOf("npm run package"));
    expect(runs(release).indexOf("npm run package")).toBeLessThan(runs(release).indexOf("release-artifacts.mjs dist-release"));
    expect(release.steps.some((step) => step.uses?.startsWith("actions/upload-artifact@") && step.with?.path === "dist-release")).toBe(true);
  });

  test.each([
    ["release_npm", "publib-npm dist-release/js"],
    ["release_pypi", "publib-pypi dist-release/python"],
    ["release_maven", "publib-maven dist-release/java"],
    ["release_nuget", "publib-nuget dist-release/dotnet"],
    ["release_golang", "publib-golang dist-release/go"],
  ])("%s publishes the laid-out artifacts with publib after the release job", (name, command) => {
    const job = workflow.jobs[name];
    expect(job.needs).toBe("release");
    expect(runs(job)).toContain(`npx -p "$PUBLIB" ${command}`);
    expect(job.steps.some((step) => step.uses?.startsWith("actions/download-artifact@") && step.with?.path === "dist-release")).toBe(true);
    if (name !== "release_npm") expect(job.if).toBe(`needs.release.outputs.${command.split("/").pop()} == 'true'`);
  });

  test("npm is published with provenance", () => {
    const npm = workflow.jobs.release_npm;
    expect(npm.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(npm.steps.find((step) => step.run?.includes("publib-npm"))?.env?.NPM_CONFIG_PROVENANCE).toBe("true");
  });
});
