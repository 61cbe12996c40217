/**
 * examples/local-files, run as `cdktf synth` runs it (the built main.js in a fresh directory):
 * the jar it builds is a valid jar, the same version gives the same bytes and the same JSON in
 * any directory, and a new version changes only the staged object (a plan diff naming the jar).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = join(__dirname, "..", "..", "dist", "examples", "local-files", "main.js");
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function synthIn(version: string): { dir: string; json: string; jar: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "dli-example-local-files-"));
  dirs.push(dir);
  execFileSync(process.execPath, [MAIN], { cwd: dir, env: { ...process.env, DLI_EXAMPLE_UDF_VERSION: version, CDKTF_OUTDIR: join(dir, "out") } });
  return { dir, json: readFileSync(join(dir, "out", "stacks", "local-files", "cdk.tf.json"), "utf8"), jar: readFileSync(join(dir, "build", `udf-lib-${version}.jar`)) };
}

test("the jar is staged under its SHA-256 and shipped as an asset; same version, same bytes and JSON anywhere", () => {
  const a = synthIn("1.0.0");
  const b = synthIn("1.0.0");
  expect(b.jar.equals(a.jar)).toBe(true);
  expect(b.json).toBe(a.json);
  const sha = createHash("sha256").update(a.jar).digest("hex");
  const url = `https://dli-examples-staging.obs.cn-north-4.myhuaweicloud.com/dli-staging/${sha}/udf-lib-1.0.0.jar`;
  const config = JSON.parse(a.json);
  expect(config.output.staged_jar.value).toBe(url);
  const [content] = Object.entries<any>(config.resource.terraform_data).filter(([address]) => address.includes("_content_"));
  expect(JSON.parse(content[1].triggers_replace.paths)).toEqual(["https://dli-examples.obs.cn-north-4.myhuaweicloud.com/jars/common/udf-lib.jar", url]);
  const asset = join(a.dir, "out", "stacks", "local-files", "assets", "DliPackagesFile-udf-lib-100jar", sha, "udf-lib-1.0.0.jar");
  expect(readFileSync(asset).equals(a.jar)).toBe(true);
});

test("a new version changes the staged object and nothing of the identity", () => {
  const one = JSON.parse(synthIn("1.0.0").json);
  const two = JSON.parse(synthIn("1.0.1").json);
  const triggers = (config: any, part: string) => Object.entries<any>(config.resource.terraform_data).find(([address]) => address.includes(part))![1].triggers_replace;
  expect(triggers(two, "_identity_")).toEqual(triggers(one, "_identity_"));
  expect(triggers(two, "_content_").paths).not.toBe(triggers(one, "_content_").paths);
  expect(triggers(two, "_content_").paths).toContain("/udf-lib-1.0.1.jar");
});

const python = spawnSync("python3", ["--version"], { encoding: "utf8" });
if (python.error) console.warn(`examples/local-files: the jar check with python3's zipfile skipped: no python3 on PATH (${python.error.message})`);
(python.error ? test.skip : test)("the built jar is a zip every entry of which reads back with its CRC (python3 -m zipfile -t)", () => {
  const { dir } = synthIn("2.3.4");
  const jar = join(dir, "build", "udf-lib-2.3.4.jar");
  const listing = execFileSync("python3", ["-m", "zipfile", "-l", jar], { encoding: "utf8" });
  expect(listing).toMatch(/META-INF\/MANIFEST\.MF/);
  expect(listing).toMatch(/com\/example\/udf\/version\.properties/);
  expect(execFileSync("python3", ["-m", "zipfile", "-t", jar], { encoding: "utf8" })).toMatch(/Done testing/);
  const properties = execFileSync("python3", ["-c", "import sys,zipfile;print(zipfile.ZipFile(sys.argv[1]).read('com/example/udf/version.properties').decode(),end='')", jar], { encoding: "utf8" });
  expect(properties).toBe("version=2.3.4\n");
});
