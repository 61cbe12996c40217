/**
 * The two published entries synthesize the same stack: `cdktf-dli-packages` on cdktf 0.21 (with
 * @cdktf/provider-null) and `cdktf-dli-packages/cdktn` on cdktn 0.24 (with its own
 * hashicorp/null classes) give the same `cdk.tf.json` for every kind and both resource types,
 * apart from the framework's version stamp in `//.metadata.version`; and the same runtime
 * asset. Uses the built entries (dist/lib and dist/lib/cdktn), i.e. what ships.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DIST = join(__dirname, "..", "..", "dist", "lib");
const ENTRIES = { cdktf: join(DIST, "index.js"), cdktn: join(DIST, "cdktn", "index.js") } as const;
type Core = keyof typeof ENTRIES;
const CORE_VERSIONS: Record<Core, string> = {
  cdktf: require("cdktf/package.json").version,
  cdktn: require("cdktn/package.json").version,
};
const KINDS = ["FilePackageGroup", "JarPackageGroup", "PyFilePackageGroup", "ModelFilePackageGroup"];
const TYPES = ["null_resource", "terraform_data"];
const OBS = "https://dli-test.obs.cn-north-4.myhuaweicloud.com";

const outdirs: string[] = [];
beforeAll(() => {
  for (const entry of Object.values(ENTRIES)) if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
});
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** One app per core with the same stack: a group of `kind`, a RETAIN group and a removal; returns the stack directory. */
function synthWith(core: Core, kind: string, resourceType: string): string {
  const framework = require(core);
  const library = require(ENTRIES[core]);
  const outdir = mkdtempSync(join(tmpdir(), `dli-same-json-${core}-`));
  outdirs.push(outdir);
  const app = new framework.App({ outdir });
  const stack = new framework.TerraformStack(app, "stack");
  new framework.LocalBackend(stack, { path: "terraform.tfstate" });
  const paths = [`${OBS}/jobs/a.jar`, `${OBS}/jobs/b.py`];
  new library[kind](stack, "group", { group: "reports", region: "cn-north-4", paths, resourceType });
  new library[kind](stack, "kept", {
    group: "kept",
    region: "cn-north-4",
    paths,
    resourceType,
    removalPolicy: library.RemovalPolicy.RETAIN,
    projectId: "0123456789abcdef0123456789abcdef",
  });
  new library.PackageGroupRemoval(stack, "old", { resourceType });
  app.synth();
  return join(outdir, "stacks", "stack");
}

/** cdk.tf.json parsed, its framework version stamp checked against `core` and then removed. */
function configOf(stackDir: string, core: Core): any {
  const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  expect(config["//"].metadata.version).toBe(CORE_VERSIONS[core]);
  delete config["//"].metadata.version;
  return config;
}

describe.each(TYPES)("%s", (resourceType) => {
  test.each(KINDS)("%s: the same cdk.tf.json from both entries (but the version stamp)", (kind) => {
    const cdktf = synthWith("cdktf", kind, resourceType);
    const cdktn = synthWith("cdktn", kind, resourceType);
    const fromCdktf = configOf(cdktf, "cdktf");
    expect(configOf(cdktn, "cdktn")).toEqual(fromCdktf);
    // The comparison is about something: both groups, the provider when null_resource, the removal.
    expect(Object.keys(fromCdktf.resource[resourceType])).toHaveLength(4);
    expect(fromCdktf.removed).toHaveLength(2);
    if (resourceType === "null_resource") expect(fromCdktf.terraform.required_providers.null).toEqual({ source: "null", version: "3.2.4" });
    else expect(fromCdktf.terraform.required_providers).toBeUndefined();
    // The same runtime asset, byte for byte.
    const asset = (dir: string) => readFileSync(join(dir, "assets", "DliPackagesRuntime", require("../../package.json").version, "dli-packages.js"));
    expect(asset(cdktn).equals(asset(cdktf))).toBe(true);
  });
});

test("PackageGroupDriftCheck: the same check block and external provider from both entries", () => {
  const synthCheck = (core: Core) => {
    const framework = require(core);
    const library = require(ENTRIES[core]);
    const outdir = mkdtempSync(join(tmpdir(), `dli-same-json-check-${core}-`));
    outdirs.push(outdir);
    const app = new framework.App({ outdir });
    const stack = new framework.TerraformStack(app, "stack");
    new framework.LocalBackend(stack, { path: "terraform.tfstate" });
    new library.FilePackageGroup(stack, "a", { group: "a", region: "cn-north-4", paths: [`${OBS}/jobs/a.jar`] });
    new library.JarPackageGroup(stack, "b", { group: "b", region: "cn-north-4", paths: [`${OBS}/jobs/b.jar`], resourceType: "terraform_data" });
    new library.PackageGroupDriftCheck(stack, "drift");
    app.synth();
    return configOf(join(outdir, "stacks", "stack"), core);
  };
  const fromCdktf = synthCheck("cdktf");
  expect(synthCheck("cdktn")).toEqual(fromCdktf);
  expect(fromCdktf.check.dli_packages_drift.assert).toHaveLength(3);
  expect(fromCdktf.terraform.required_providers.external).toEqual({ source: "hashicorp/external", version: "~> 2.3" });
});

test("the version stamps differ, so the comparison above really ran on two cores", () => {
  expect(CORE_VERSIONS.cdktf).not.toBe(CORE_VERSIONS.cdktn);
});

test("the cdktn project's snapshots are the cdktf ones but for how each core prints an empty object", () => {
  const snapshots = join(__dirname, "..", "constructs", "__snapshots__");
  const emptyObjects = (text: string) => text.replace(/\{\n\s*\}/g, "{}");
  const cdktf = readFileSync(join(snapshots, "synth.test.ts.snap"), "utf8");
  const cdktn = readFileSync(join(snapshots, "cdktn", "synth.test.ts.snap"), "utf8");
  expect(cdktn).not.toBe(cdktf);
  expect(emptyObjects(cdktn)).toBe(emptyObjects(cdktf));
});
