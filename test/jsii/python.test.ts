/**
 * Python programs, as the README's Python quickstart and examples/python show them, synthesize
 * the same JSON as their TypeScript originals.
 *
 * No PyPI here: neither the generated `cdktf_dli_packages` package can be installed nor the
 * `jsii` Python runtime it imports. So the programs run unchanged under real python3 with
 * support/jsii_host.py, a minimal Python host that talks to the jsii kernel over the same wire
 * as the real runtime (module per assembly, keyword arguments folded into the struct, snake_case
 * → camelCase), and, separately, every name they use from `cdktf_dli_packages` (class, keyword
 * argument, method) is checked against the Python code jsii-pacmak generates from our assembly
 * (support/check_python_api.py), so the programs are also right for the real package.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";
import { createPackedApp, PackedApp } from "../package/support/packed-app";
import { fencedBlocks, readDoc } from "../package/support/docs";
import { probeRegistry } from "../package/support/consumer-app";
import { installedVersion, jsiiRuntimeProgram, packDirectory, packFromRegistry, ROOT } from "./support/kernel-host";

jest.setTimeout(180_000);

const python = spawnSync("python3", ["--version"], { encoding: "utf8" });
const registry = probeRegistry();
const skipReason = python.error ? `no python3 on PATH (${python.error.message})` : !registry.ok ? registry.reason : undefined;
if (skipReason) console.warn(`Python program tests skipped: ${skipReason}`);
const describeWithPython = skipReason ? describe.skip : describe;

const HOST = join(__dirname, "support", "jsii_host.py");
const CHECKER = join(__dirname, "support", "check_python_api.py");
const EXAMPLE = join(ROOT, "examples", "python", "main.py");

/** A stack with a group and a PackageGroupDriftCheck, in Python (its `check_name` read back) and in JavaScript. */
const DRIFT_CHECK_PYTHON = `from cdktf import App, LocalBackend, TerraformStack
from cdktf_dli_packages import FilePackageGroup, PackageGroupDriftCheck

app = App()
stack = TerraformStack(app, "dli")
LocalBackend(stack, path="terraform.tfstate")
FilePackageGroup(stack, "gatk",
    group="gatk",
    region="cn-north-4",
    paths=["https://my-bucket.obs.cn-north-4.myhuaweicloud.com/jobs/test_dli.jar"],
)
drift = PackageGroupDriftCheck(stack, "drift")
assert drift.check_name == "dli_packages_drift", drift.check_name
app.synth()
`;
const DRIFT_CHECK_TS = `const { App, LocalBackend, TerraformStack } = require("cdktf");
const { FilePackageGroup, PackageGroupDriftCheck } = require("cdktf-dli-packages");
const app = new App();
const stack = new TerraformStack(app, "dli");
new LocalBackend(stack, { path: "terraform.tfstate" });
new FilePackageGroup(stack, "gatk", { group: "gatk", region: "cn-north-4", paths: ["https://my-bucket.obs.cn-north-4.myhuaweicloud.com/jobs/test_dli.jar"] });
new PackageGroupDriftCheck(stack, "drift");
app.synth();
`;

const scratch: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The first fenced block of README.md with this info string in the Quickstart section. */
function quickstartBlock(info: string): string {
  const readme = readDoc("README.md");
  const start = readme.indexOf("## Quickstart");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const block = fencedBlocks("README.md", section).find((b) => b.info === info);
  if (!block) throw new Error(`README.md's Quickstart has no \`\`\`${info} block`);
  return block.source;
}

/** Runs a Python program in `cwd` through the host, with constructs, cdktf and our tarball loaded. */
function runPython(program: string, cwd: string, env: Record<string, string> = {}) {
  const assemblies = [
    { tarball: packFromRegistry(`constructs@${installedVersion("constructs")}`), assembly: require.resolve("constructs/.jsii") },
    { tarball: packFromRegistry(`cdktf@${installedVersion("cdktf")}`), assembly: require.resolve("cdktf/.jsii") },
    { tarball: ourTarball(), assembly: join(ROOT, ".jsii") },
  ];
  const result = spawnSync("python3", [HOST, program], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env, JSII_HOST_RUNTIME: jsiiRuntimeProgram(), JSII_HOST_ASSEMBLIES: JSON.stringify(assemblies) },
  });
  if (result.status !== 0) throw new Error(`python3 ${program} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

let tarball: string | undefined;
const ourTarball = () => (tarball ??= packDirectory(ROOT, tempDir("dli-python-pack-")));
/** The build output the quickstarts stage (./dist/udf.py), written into an app directory. */
const UDF = "def udf(x):\n    return x\n";
function writeBuildOutput(dir: string): void {
  mkdirSync(join(dir, "dist"), { recursive: true });
  writeFileSync(join(dir, "dist", "udf.py"), UDF);
}
const configIn = (outdir: string, stack: string) => JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));

describeWithPython("Python programs through the jsii kernel", () => {
  let app: PackedApp;
  beforeAll(() => {
    app = createPackedApp("python-quickstart");
  });
  afterAll(() => app?.remove());

  test("the README's Python quickstart synthesizes the JSON of its TypeScript quickstart", () => {
    // TypeScript: the README block, unchanged, in an app with the packed package installed.
    const tsSource = quickstartBlock("ts");
    writeFileSync(join(app.dir, "quickstart.js"), ts.transpileModule(tsSource, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
    writeBuildOutput(app.dir);
    execFileSync(process.execPath, ["quickstart.js"], { cwd: app.dir, env: { ...process.env, CDKTF_OUTDIR: join(app.dir, "ts.out") } });
    // Python: the README block, unchanged.
    const dir = tempDir("dli-python-quickstart-");
    writeFileSync(join(dir, "main.py"), quickstartBlock("python"));
    writeBuildOutput(dir);
    runPython(join(dir, "main.py"), dir);
    const fromPython = configIn(join(dir, "cdktf.out"), "dli");
    expect(fromPython).toEqual(configIn(join(app.dir, "ts.out"), "dli"));
    expect(Object.keys(fromPython.resource.null_resource)).toHaveLength(4);
    // The staged file's object URL (content-addressed) reached both, and its asset was written.
    expect(JSON.stringify(fromPython)).toContain(`/dli-staging/${createHash("sha256").update(UDF).digest("hex")}/udf.py`);
    expect(existsSync(join(dir, "cdktf.out", "stacks", "dli", "assets", "DliPackagesFile-udfpy"))).toBe(true);
  });

  test("examples/python synthesizes examples/basic's JSON plus the packageRef output", () => {
    const tsOut = tempDir("dli-python-basic-ts-");
    execFileSync(process.execPath, [join(ROOT, "dist", "examples", "basic", "main.js")], { env: { ...process.env, CDKTF_OUTDIR: tsOut, DLI_EXAMPLE_RELEASE: "2" } });
    const dir = tempDir("dli-python-basic-");
    runPython(EXAMPLE, dir, { CDKTF_OUTDIR: join(dir, "out"), DLI_EXAMPLE_RELEASE: "2" });
    const fromPython = configIn(join(dir, "out"), "basic");
    expect(fromPython.output).toEqual({ etl_job_ref: { value: "spark-jobs/etl-job.jar" } });
    expect(fromPython["//"].outputs).toEqual({ basic: { etl_job_ref: "etl_job_ref" } });
    delete fromPython.output;
    fromPython["//"].outputs = {};
    expect(fromPython).toEqual(configIn(tsOut, "basic"));
    // Both groups, and the release from the environment reached the jar path.
    expect(JSON.stringify(fromPython)).toContain("jars/release-2/etl-job.jar");
    expect(Object.keys(fromPython.resource.terraform_data)).toHaveLength(4);
  });

  test("PackageGroupDriftCheck in Python synthesizes the check block of its TypeScript twin", () => {
    writeFileSync(join(app.dir, "drift-check.js"), DRIFT_CHECK_TS);
    execFileSync(process.execPath, ["drift-check.js"], { cwd: app.dir, env: { ...process.env, CDKTF_OUTDIR: join(app.dir, "drift.out") } });
    const dir = tempDir("dli-python-drift-");
    writeFileSync(join(dir, "main.py"), DRIFT_CHECK_PYTHON);
    runPython(join(dir, "main.py"), dir, { CDKTF_OUTDIR: join(dir, "out") });
    const fromPython = configIn(join(dir, "out"), "dli");
    expect(fromPython).toEqual(configIn(join(app.dir, "drift.out"), "dli"));
    expect(fromPython.check.dli_packages_drift.assert).toHaveLength(2);
    expect(fromPython.terraform.required_providers.external.source).toBe("hashicorp/external");
  });

  test("a wrong keyword argument fails in Python with the construct's message", () => {
    const dir = tempDir("dli-python-bad-");
    const program = quickstartBlock("python").replace('region="cn-north-4"', 'region="moon-base-1"');
    expect(program).toContain("moon-base-1");
    writeFileSync(join(dir, "main.py"), program);
    writeBuildOutput(dir);
    expect(() => runPython(join(dir, "main.py"), dir)).toThrow(/JSIIError: FilePackageGroup "dli\/gatk" has 1 invalid prop:[\s\S]*region: "moon-base-1"/);
  });
});

describeWithPython("the Python programs against the Python code jsii-pacmak generates", () => {
  let generated = "";
  beforeAll(() => {
    const out = tempDir("dli-pacmak-python-");
    execFileSync(process.execPath, [require.resolve("jsii-pacmak/bin/jsii-pacmak"), ROOT, "--code-only", "--no-npmignore", "--no-fingerprint", "--targets", "python", "--outdir", out], {
      cwd: ROOT,
      stdio: "pipe",
      env: { ...process.env, npm_config_ignore_scripts: "true", JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: "20" },
    });
    generated = join(out, "python", "src", "cdktf_dli_packages", "__init__.py");
  });

  const check = (program: string) => spawnSync("python3", [CHECKER, generated, program], { encoding: "utf8" });

  test.each([
    ["README quickstart", () => quickstartBlock("python")],
    ["the drift check program", () => DRIFT_CHECK_PYTHON],
    ["examples/python/main.py", () => readFileSync(EXAMPLE, "utf8")],
  ])("%s uses only names the generated cdktf_dli_packages has", (_name, source) => {
    const file = join(tempDir("dli-python-check-"), "main.py");
    writeFileSync(file, source());
    const result = check(file);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^checked \d+ uses? of cdktf_dli_packages/);
    expect(result.status).toBe(0);
  });

  test("the check can fail: a misspelt keyword argument is reported", () => {
    const file = join(tempDir("dli-python-check-"), "main.py");
    writeFileSync(file, quickstartBlock("python").replace("region=", "regoin="));
    const result = check(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/FilePackageGroup\(\) has no keyword argument 'regoin'/);
  });
});
