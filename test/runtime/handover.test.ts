/**
 * Handing a group over, forced interleavings (issue 15): the exact commands a synthesized stack's
 * provisioners contain, run by `sh -c` in the stack directory as Terraform runs them, with the
 * environment Terraform would give them (the old identity's `self` for delete-group, the new
 * owner's for upload-group). Delete first, upload first, and a delete in the middle of an upload
 * all end with the group exactly the new owner's spec; the same orders without the handover
 * check (what the previous release ran) lose the group, which is what these tests guard.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { FilePackageGroup, ResourceType } from "../../lib";
import { RunningEmulator } from "../../lib/emulator";
import { UNKNOWN_VALUE } from "../../lib/contract/declarations";
import { terraformJsonEncode } from "../../lib/contract/terraform-json";
import { Declaration } from "../../lib/runtime/configuration-declarations";
import { otherOwnerOf } from "../../lib/runtime/handover";
import { assertNoSecrets, FAST_RETRIES, groupsOf, startTestEmulator } from "./support/run-cli";

const REGION = "cn-north-4";
const obs = (key: string) => `https://handover-bucket.obs.${REGION}.myhuaweicloud.com/${key}`;

interface Provisioner {
  readonly command: string;
  readonly environment: Record<string, string>;
}

/** A synthesized stack: its directory and the provisioners of its resources, by address. */
function synth(outdir: string, declare: (stack: TerraformStack) => void): { dir: string; tf: any } {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "dli");
  declare(stack);
  app.synth();
  const dir = join(outdir, "stacks", "dli");
  return { dir, tf: JSON.parse(require("node:fs").readFileSync(join(dir, "cdk.tf.json"), "utf8")) };
}

function provisionerOf(tf: any, address: string): { provisioner: Provisioner; triggers: Record<string, string> } {
  const [type, name] = address.split(".");
  const body = tf.resource[type][name];
  return { provisioner: body.provisioner[0]["local-exec"], triggers: body.triggers_replace };
}

/** The environment Terraform builds: `${jsonencode(self.triggers_replace)}` and `${self.triggers_replace.k}` from `self`. */
function resolveEnvironment(provisioner: Provisioner, self: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(provisioner.environment)) {
    env[key] = value
      .replace("${jsonencode(self.triggers_replace)}", () => terraformJsonEncode(self))
      .replace(/\$\{self\.triggers_replace\.([a-z_]+)\}/g, (_, k) => self[k] ?? "");
  }
  return env;
}

interface Run {
  readonly code: number | null;
  readonly output: string;
}

/** `sh -c <command>` in the stack directory, the way Terraform's local-exec runs it (`${path.module}` is "."). */
function start(dir: string, provisioner: Provisioner, self: Record<string, string>, emulator: RunningEmulator, omit: string[] = [], inherited: Record<string, string> = {}): Promise<Run> {
  const command = provisioner.command.replace(/\$\{path\.module\}/g, ".");
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...inherited, ...emulator.env, ...FAST_RETRIES, ...resolveEnvironment(provisioner, self) };
  for (const name of omit) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c));
    child.stderr.on("data", (c: Buffer) => (output += c));
    child.on("error", reject);
    child.on("close", (code) => {
      assertNoSecrets({ code, stdout: output, stderr: "", ms: 0 });
      resolve({ code, output });
    });
  });
}

describe("a group handed over: every interleaving of the old identity's delete-group and the new owner's upload-group", () => {
  let emulator: RunningEmulator;
  let outdir: string;
  /** The old identity (a, group gatk) as the state holds it, and the synthesized new configuration. */
  let oldIdentity: Record<string, string>;
  let deleteProvisioner: Provisioner;
  let upload: { provisioner: Provisioner; triggers: Record<string, string> };
  let dir: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    outdir = mkdtempSync(join(tmpdir(), "dli-handover-"));
    const before = synth(join(outdir, "before"), (s) => {
      new FilePackageGroup(s, "a", { group: "gatk", region: REGION, paths: [obs("one.jar"), obs("two.py")], resourceType: ResourceType.TERRAFORM_DATA });
    });
    const after = synth(join(outdir, "after"), (s) => {
      new FilePackageGroup(s, "a", { group: "gatk-v1", region: REGION, paths: [obs("one.jar"), obs("two.py")], resourceType: ResourceType.TERRAFORM_DATA });
      new FilePackageGroup(s, "b", { group: "gatk", region: REGION, paths: [obs("three.jar")], resourceType: ResourceType.TERRAFORM_DATA });
    });
    dir = after.dir;
    const identityAddress = Object.keys(after.tf.resource.terraform_data).find((n) => n.startsWith("a_identity_"))!;
    oldIdentity = before.tf.resource.terraform_data[Object.keys(before.tf.resource.terraform_data).find((n) => n.startsWith("a_identity_"))!].triggers_replace;
    // Terraform runs the destroy-time provisioner of the configuration's block with the state's `self`.
    deleteProvisioner = provisionerOf(after.tf, `terraform_data.${identityAddress}`).provisioner;
    upload = provisionerOf(after.tf, `terraform_data.${Object.keys(after.tf.resource.terraform_data).find((n) => n.startsWith("b_content_"))!}`);
  });
  afterAll(async () => {
    await emulator?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  /** gatk as a's apply left it. */
  async function groupOfA(): Promise<void> {
    emulator.reset();
    emulator.configure({ readyDelayMs: 0, uploadSemantics: "merge" });
    const seeded = await startUploadOfA();
    expect(seeded.code).toBe(0);
    expect(groupsOf(emulator)).toEqual({ gatk: ["one.jar:READY", "two.py:READY"] });
    emulator.clearRequests();
  }
  function startUploadOfA(): Promise<Run> {
    const triggers = { ...upload.triggers, paths: JSON.stringify([obs("one.jar"), obs("two.py")]) };
    return start(dir, upload.provisioner, triggers, emulator);
  }
  const runDelete = (omit: string[] = []) => start(dir, deleteProvisioner, oldIdentity, emulator, omit);
  const runUpload = () => start(dir, upload.provisioner, upload.triggers, emulator);

  test("delete first, then upload: the delete leaves gatk to b and makes no request", async () => {
    await groupOfA();
    const deleted = await runDelete();
    expect(deleted.code).toBe(0);
    expect(deleted.output).toMatch(/delete-group file group=gatk: left to terraform_data\.b_content_[0-9A-F]{8}: .*nothing deleted, 0 API calls/);
    expect(emulator.requests()).toEqual([]);
    expect((await runUpload()).code).toBe(0);
    expect(groupsOf(emulator)).toEqual({ gatk: ["three.jar:READY"] });
  });

  test("upload first, then delete: the group stays b's", async () => {
    await groupOfA();
    expect((await runUpload()).code).toBe(0);
    const deleted = await runDelete();
    expect(deleted.code).toBe(0);
    expect(groupsOf(emulator)).toEqual({ gatk: ["three.jar:READY"] });
  });

  test("the delete runs while the upload waits for READY: the upload's verifying read sees its own group", async () => {
    await groupOfA();
    emulator.configure({ readyDelayMs: 400 });
    const uploading = runUpload();
    // Wait until the upload has been accepted (the package is UPLOADING), then delete.
    for (let i = 0; i < 200 && !emulator.requests().some((r) => r.method === "POST"); i++) await new Promise((r) => setTimeout(r, 10));
    expect(groupsOf(emulator).gatk).toContain("three.jar:UPLOADING");
    const deleted = await runDelete();
    const uploaded = await uploading;
    expect([deleted.code, uploaded.code]).toEqual([0, 0]);
    expect(groupsOf(emulator)).toEqual({ gatk: ["three.jar:READY"] });
  });

  test("without the handover check (the previous release's provisioner), upload first then delete loses the group: what the check prevents", async () => {
    await groupOfA();
    expect((await runUpload()).code).toBe(0);
    const deleted = await runDelete(["DLI_PACKAGES_DECLARED_BY"]);
    expect(deleted.code).toBe(0);
    expect(groupsOf(emulator)).toEqual({});
  });

  test("a configuration that cannot be read fails the delete with one line before any request (exit 2)", async () => {
    await groupOfA();
    // The stack copied whole (runtime asset included): the runtime reads the cdk.tf.json of the stack it runs from.
    const broken = join(mkdtempSync(join(tmpdir(), "dli-handover-broken-")), "dli");
    try {
      cpSync(dir, broken, { recursive: true });
      const cases: [string, () => void, RegExp][] = [
        ["missing", () => undefined, /ENOENT/],
        ["not JSON", () => writeFileSync(join(broken, "cdk.tf.json"), "{ not json"), /JSON/],
        ["a directory", () => mkdirSync(join(broken, "cdk.tf.json"), { recursive: true }), /not a regular file/],
      ];
      for (const [, arrange, reason] of cases) {
        rmSync(join(broken, "cdk.tf.json"), { recursive: true, force: true });
        arrange();
        const result = await start(broken, deleteProvisioner, oldIdentity, emulator);
        expect(result.code).toBe(2);
        const lines = result.output.trim().split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`cannot read the configuration "${join(broken, "cdk.tf.json")}" (the stack of this runtime asset)`);
        expect(lines[0]).toMatch(reason);
        expect(lines[0]).toMatch(/run terraform in the synthesized stack directory/);
      }
      expect(emulator.requests()).toEqual([]);
      expect(groupsOf(emulator)).toEqual({ gatk: ["one.jar:READY", "two.py:READY"] });
    } finally {
      rmSync(dirname(broken), { recursive: true, force: true });
    }
  });

  test("where the configuration is read cannot be steered from the environment: a stray DLI_PACKAGES_STACK_DIR changes nothing", async () => {
    await groupOfA();
    const elsewhere = mkdtempSync(join(tmpdir(), "dli-handover-elsewhere-"));
    try {
      // A configuration elsewhere that declares nothing would let the delete go ahead, were it read.
      writeFileSync(join(elsewhere, "cdk.tf.json"), "{}");
      const deleted = await start(dir, deleteProvisioner, oldIdentity, emulator, [], { DLI_PACKAGES_STACK_DIR: elsewhere });
      expect(deleted.code).toBe(0);
      expect(deleted.output).toMatch(/left to terraform_data\.b_content_[0-9A-F]{8}: .*nothing deleted, 0 API calls/);
      expect(emulator.requests()).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test("DLI_PACKAGES_DECLARED_BY set for a runtime outside a stack's assets: one bounded line, exit 2, no request", async () => {
    await groupOfA();
    // The runtime bundle in a folder whose name holds a line break, an escape sequence and 200 more characters.
    const hostile = join(mkdtempSync(join(tmpdir(), "dli-handover-hostile-")), `x\n\u001b[31m${"y".repeat(200)}`);
    try {
      mkdirSync(hostile);
      cpSync(join(dir, "assets", "DliPackagesRuntime"), hostile, { recursive: true });
      const [version] = readdirSync(hostile);
      const launcher = { ...deleteProvisioner, command: `exec /bin/sh '${join(hostile, version, "dli-packages.sh")}' delete-group` };
      const result = await start(dir, launcher, oldIdentity, emulator);
      expect(result.code).toBe(2);
      const lines = result.output.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/DLI_PACKAGES_DECLARED_BY is set, which only the synthesized delete-group provisioner does, but this runtime is not the copy in a stack's assets\/DliPackagesRuntime\/<version>\/ \(it is ".*x\\n\\u001b\[31my+… \(\d+ chars\)\): run terraform in the synthesized stack directory, or unset DLI_PACKAGES_DECLARED_BY to delete by hand/);
      expect(result.output).not.toContain("\u001b");
      expect(result.output.length).toBeLessThan(1000);
      expect(emulator.requests()).toEqual([]);
      expect(groupsOf(emulator)).toEqual({ gatk: ["one.jar:READY", "two.py:READY"] });
    } finally {
      rmSync(dirname(hostile), { recursive: true, force: true });
    }
  });
});

describe("otherOwnerOf: the same group is the same name, region, project and endpoint as the runtime resolves them", () => {
  const identity = { schemaVersion: "1", kind: "file" as const, group: "gatk", region: REGION, projectId: undefined, endpoint: undefined };
  const P1 = "0123456789abcdef0123456789abcdef";
  const P2 = "fedcba9876543210fedcba9876543210";
  const other = (d: Partial<Declaration>): Declaration => ({ address: "terraform_data.b_content_1", group: "gatk", region: REGION, ...d });
  const owner = (declarations: Declaration[], id: Partial<typeof identity> & { projectId?: string; endpoint?: string } = {}, env: NodeJS.ProcessEnv = {}) =>
    otherOwnerOf({ ...identity, ...id }, declarations, "terraform_data.a_content_1", env);

  test("its own content resource is not another owner; one in another stack with the same address is", () => {
    expect(owner([other({ address: "terraform_data.a_content_1" })])).toBeUndefined();
    expect(owner([other({ address: "terraform_data.a_content_1", stack: "two" })])?.certain).toBe(true);
  });

  test("another name or region is another group", () => {
    expect(owner([other({ group: "gatk-v1" }), other({ region: "cn-east-3" })])).toBeUndefined();
  });

  test.each([
    ["both from the environment (IAM)", undefined, undefined, {}, "certain"],
    ["equal literals", P1, P1, {}, "certain"],
    ["different literals", P1, P2, {}, "none"],
    ["literal vs HW_PROJECT_ID, equal", P1, undefined, { HW_PROJECT_ID: P1 }, "certain"],
    ["literal vs HW_PROJECT_ID, different", P1, undefined, { HW_PROJECT_ID: P2 }, "none"],
    ["literal vs IAM: only a request would tell", P1, undefined, {}, "maybe"],
    ["a Terraform reference", P1, UNKNOWN_VALUE, {}, "maybe"],
  ])("project: %s", (_, own, theirs, env, expected) => {
    const found = owner([other({ projectId: theirs })], { projectId: own }, env);
    expect(found === undefined ? "none" : found.certain ? "certain" : "maybe").toBe(expected);
    if (expected === "maybe") expect(found?.unknown).toEqual(["project id"]);
  });

  test.each([
    ["both the region's default", undefined, undefined, {}, "certain"],
    ["the default written out", undefined, "https://dli.cn-north-4.myhuaweicloud.com", {}, "certain"],
    ["another endpoint", undefined, "https://dli.example.test", {}, "none"],
    ["HW_DLI_ENDPOINT overrides both", undefined, "https://dli.example.test", { HW_DLI_ENDPOINT: "http://127.0.0.1:9" }, "certain"],
    ["a Terraform reference", undefined, UNKNOWN_VALUE, {}, "maybe"],
    ["same origin, other path", "https://dli.example.test/", "https://dli.example.test", {}, "certain"],
  ])("endpoint: %s", (_, own, theirs, env, expected) => {
    const found = owner([other({ endpoint: theirs })], { endpoint: own }, env);
    expect(found === undefined ? "none" : found.certain ? "certain" : "maybe").toBe(expected);
  });

  test("a certain owner wins over an earlier 'maybe' one", () => {
    const found = owner([other({ address: "x.maybe", projectId: UNKNOWN_VALUE }), other({ address: "x.certain" })]);
    expect(found?.declaration.address).toBe("x.certain");
  });
});
