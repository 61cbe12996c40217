/**
 * Local files as packages (lifecycle.md "Local files"), synth side: the content-addressed object
 * URL of each file is known at synth and listed in the content resource's triggers, the file is
 * shipped with the stack as an asset, and every bad `files` or `staging` value is refused in one
 * line naming the field.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { JarPackageGroup, PackageGroupKindProps, ResourceType } from "../../lib";
import { BUCKET, props, resources } from "./support/helpers";

const STAGING = "https://dli-test.obs.cn-north-4.myhuaweicloud.com/dli-staging/";
const dir = mkdtempSync(join(tmpdir(), "dli-local-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file under the test folder with the given content; returns its absolute path. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  return path;
}
const sha256 = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");

const ETL = "etl-1.4.2.jar";
const ETL_CONTENT = "PK\u0003\u0004 not really a jar, but bytes";
const UDF_CONTENT = "def udf(x):\n    return x\n";

function withFiles(overrides: Partial<PackageGroupKindProps> = {}): PackageGroupKindProps {
  // The default files are written only when the caller does not give its own: writing them after
  // an override was evaluated would put the original content back under the override's path.
  const files = "files" in overrides ? overrides.files : [file(`build/${ETL}`, ETL_CONTENT), file("dist/udf.py", UDF_CONTENT)];
  return props({ paths: [`${BUCKET}/jobs/test_dli.jar`], staging: STAGING, ...overrides, files });
}

/** The content resource's triggers of the only group of a synthesized stack. */
function contentTriggers(tf: any): Record<string, string> {
  const [, body] = resources(tf).find(([address]) => address.includes("_content_"))!;
  return body.triggers ?? body.triggers_replace;
}

function synthOne(groupProps: PackageGroupKindProps): { tf: any; group: JarPackageGroup } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const group = new JarPackageGroup(stack, "etl", groupProps);
  return { tf: JSON.parse(Testing.synth(stack)), group };
}

function errorOf(overrides: Partial<PackageGroupKindProps> | Record<string, unknown>): string {
  try {
    synthOne({ ...withFiles(), ...(overrides as Partial<PackageGroupKindProps>) });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(overrides)}`);
}

describe("a group with local files", () => {
  test("lists each file's content-addressed object after the paths, and its staging entry in the 'files' trigger", () => {
    const { tf, group } = synthOne(withFiles());
    const triggers = contentTriggers(tf);
    const etl = `${STAGING}${sha256(ETL_CONTENT)}/${ETL}`;
    const udf = `${STAGING}${sha256(UDF_CONTENT)}/udf.py`;
    expect(JSON.parse(triggers.paths)).toEqual([`${BUCKET}/jobs/test_dli.jar`, etl, udf]);
    expect(JSON.parse(triggers.files)).toEqual([
      { source: `assets/DliPackagesFile-etl-142jar/${sha256(ETL_CONTENT)}/${ETL}`, objectUrl: etl, size: Buffer.byteLength(ETL_CONTENT), sha256: sha256(ETL_CONTENT) },
      { source: `assets/DliPackagesFile-udfpy/${sha256(UDF_CONTENT)}/udf.py`, objectUrl: udf, size: Buffer.byteLength(UDF_CONTENT), sha256: sha256(UDF_CONTENT) },
    ]);
    expect(group.packageNames).toEqual(["test_dli.jar", ETL, "udf.py"]);
    expect(group.packageRef(ETL)).toBe(`gatk/${ETL}`);
    expect(group.spec.files?.map((f) => f.objectUrl)).toEqual([etl, udf]);
  });

  test("the synthesized JSON (snapshot)", () => {
    expect(synthOne(withFiles({ resourceType: ResourceType.TERRAFORM_DATA })).tf).toMatchSnapshot();
  });

  test("a group without files keeps its triggers as before: no 'files' key", () => {
    const { tf } = synthOne(props());
    expect(Object.keys(contentTriggers(tf))).not.toContain("files");
  });

  test("only files, no paths, is a group", () => {
    const { group } = synthOne(withFiles({ paths: undefined }));
    expect(group.packageNames).toEqual([ETL, "udf.py"]);
  });

  test("a changed file changes its object URL and the content triggers, not the identity", () => {
    const before = synthOne(withFiles()).tf;
    const after = synthOne(withFiles({ files: [file(`build/${ETL}`, ETL_CONTENT + "v2"), file("dist/udf.py", UDF_CONTENT)] })).tf;
    file(`build/${ETL}`, ETL_CONTENT);
    const identity = (tf: any) => resources(tf).find(([a]) => a.includes("_identity_"))![1];
    expect(identity(after)).toEqual(identity(before));
    expect(contentTriggers(after).paths).not.toEqual(contentTriggers(before).paths);
    expect(contentTriggers(after).paths).toContain(`${sha256(ETL_CONTENT + "v2")}/${ETL}`);
  });

  test("a relative path is read from the app's working directory", () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { group } = synthOne(withFiles({ files: [`build/${ETL}`] }));
      expect(group.spec.files?.[0].sha256).toBe(sha256(ETL_CONTENT));
    } finally {
      process.chdir(cwd);
    }
  });

  test("app.synth() copies each file into the stack as an asset at its source path", () => {
    const outdir = mkdtempSync(join(dir, "out-"));
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "dli");
    const group = new JarPackageGroup(stack, "etl", withFiles());
    app.synth();
    for (const staged of group.spec.files!) {
      const copied = join(outdir, "stacks", "dli", staged.source);
      expect(existsSync(copied)).toBe(true);
      expect(sha256(readFileSync(copied))).toBe(staged.sha256);
    }
  });

  test("two groups of a stack staging the same file share one asset; the same name with other content gets its own", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const a = new JarPackageGroup(stack, "a", withFiles({ group: "a" }));
    const b = new JarPackageGroup(stack, "b", withFiles({ group: "b" }));
    const other = file(`other/${ETL}`, "another build");
    const c = new JarPackageGroup(stack, "c", props({ group: "c", paths: undefined, files: [other], staging: STAGING }));
    expect(b.spec.files![0].source).toBe(a.spec.files![0].source);
    expect(c.spec.files![0].source).toBe(`assets/DliPackagesFile-etl-142jar-${sha256("another build").slice(0, 12)}/${sha256("another build")}/${ETL}`);
  });
});

describe("bad files and staging are refused at synth, each in one line naming the field", () => {
  test.each<[string, () => Record<string, unknown>, string]>([
    ["a missing file", () => ({ files: [join(dir, "missing.jar")] }), `  - files[0]: "${join(dir, "missing.jar")}" — an existing file (build it before synth, or fix the path)`],
    ["a directory", () => ({ files: [join(dir, "build")] }), `  - files[0]: "${join(dir, "build")}" — a file, not a directory`],
    ["an empty path", () => ({ files: [""] }), `  - files[0]: "" — a local file, relative to the app's working directory or absolute`],
    ["a path with a line feed", () => ({ files: ["build/a\nb.jar"] }), `  - files[0]: "build/a\\nb.jar" — a file path without control characters`],
    ["a base name DLI rejects", () => ({ files: [file("build/.hidden.jar", "x")] }), `— the file's base name (the package name) must be 1–128 characters of letters, digits, '_', '!', '-' or '.', and must not start with '.' (got '.hidden.jar')`],
    ["a symbolic link", () => {
      const link = join(dir, "link.jar");
      if (!existsSync(link)) symlinkSync(join(dir, "build", ETL), link);
      return { files: [link] };
    }, `— a regular file, not a symbolic link`],
    ["a FIFO", () => {
      const fifo = join(dir, "pipe.jar");
      if (!existsSync(fifo)) execFileSync("mkfifo", [fifo]);
      return { files: [fifo] };
    }, `— a regular file (not a device, socket or FIFO)`],
    ["the same file twice", () => ({ files: [join(dir, "build", ETL), join(dir, "build", ETL)] }), `  - files[1]: "${join(dir, "build", ETL)}" — duplicate of files[0]; list each file once`],
    ["a name that a path already has", () => ({ paths: [`${BUCKET}/jobs/${ETL}`] }), `package name '${ETL}' is already used by paths[0]; package names (base names of paths and files) must be unique within a group`],
    ["files not a list", () => ({ files: "build/etl.jar" }), `  - files: "build/etl.jar" — a list of local file paths`],
    ["files without staging", () => ({ staging: undefined }), `  - staging: undefined — required when files are given`],
    ["staging without a trailing slash", () => ({ staging: STAGING.slice(0, -1) }), `  - staging: "${STAGING.slice(0, -1)}" — an OBS URL prefix in virtual-hosted form ending in '/'`],
    ["staging at the bucket's root", () => ({ staging: "https://dli-test.obs.cn-north-4.myhuaweicloud.com/" }), `; the prefix is empty`],
    ["staging in another region", () => ({ staging: "https://dli-test.obs.cn-east-3.myhuaweicloud.com/st/" }), `; the bucket must be in the group's region cn-north-4`],
    ["staging path-style", () => ({ staging: "https://obs.cn-north-4.myhuaweicloud.com/dli-test/st/" }), `  - staging: "https://obs.cn-north-4.myhuaweicloud.com/dli-test/st/" — an OBS URL prefix in virtual-hosted form`],
    ["staging over http", () => ({ staging: "http://dli-test.obs.cn-north-4.myhuaweicloud.com/st/" }), `; the scheme must be https`],
  ])("%s", (_what, overrides, fragment) => {
    expect(errorOf(overrides())).toContain(fragment);
  });

  test("no paths and no files names both ways to declare a package", () => {
    expect(errorOf({ paths: [], files: [] })).toContain("  - paths: [] — at least one OBS object URL, or local files in files (with staging)");
  });

  test("a token among the files or as staging is refused (the key must be known at synth)", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const variable = new TerraformVariable(stack, "f", { type: "string" });
    let message = "";
    try {
      new JarPackageGroup(stack, "etl", withFiles({ files: [variable.stringValue], staging: variable.stringValue }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("  - files[0]: ");
    expect(message).toContain("  - staging: ");
    expect(message.match(/must be known at synth time/g)).toHaveLength(2);
  });

  test("every problem at once, nothing synthesized", () => {
    const message = errorOf({ files: [join(dir, "missing.jar"), join(dir, "build")], staging: "nope" });
    expect(message).toContain("has 3 invalid props:");
    expect(message).toContain("files[0]");
    expect(message).toContain("files[1]");
    expect(message).toContain("staging");
  });
});
