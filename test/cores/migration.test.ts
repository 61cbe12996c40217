/**
 * Migrating a deployed stack from cdktf to CDK Terrain changes two imports and nothing else:
 * a stack applied from `cdktf-dli-packages` (cdktf 0.21), re-synthesized from
 * `cdktf-dli-packages/cdktn` (cdktn 0.24) into the same directory, plans no change and makes
 * no API call; the cdktn stack then destroys the group the cdktf one created. Real terraform
 * against the in-process emulator, with the built entries (what ships).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { initIfNeeded, probeTerraform, terraform, TerraformRun } from "../lifecycle/support/terraform";

const DIST = join(__dirname, "..", "..", "dist", "lib");
const ENTRIES = { cdktf: join(DIST, "index.js"), cdktn: join(DIST, "cdktn", "index.js") } as const;
const OBS = "https://dli-migration.obs.cn-north-4.myhuaweicloud.com";

const probe = probeTerraform();
// Printed on purpose: a skipped run must be visible in CI logs, with its reason.
if (!probe.ok) console.warn(`cdktf → cdktn migration test skipped: ${probe.reason}`);

(probe.ok ? describe : describe.skip)("cdktf → cdktn migration of a deployed stack (terraform_data)", () => {
  let emulator: RunningEmulator;
  let outdir: string;
  const env = () => ({ ...emulator.env, DLI_PACKAGES_MAX_ATTEMPTS: "2", DLI_PACKAGES_RETRY_BASE_MS: "20" });
  const stackDir = () => join(outdir, "stacks", "reports");

  /** The same app code on either core: only the two imports differ. */
  const synth = (core: keyof typeof ENTRIES) => {
    const { App, LocalBackend, TerraformStack } = require(core);
    const { FilePackageGroup, ResourceType } = require(ENTRIES[core]);
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "reports");
    new LocalBackend(stack, { path: "terraform.tfstate" });
    new FilePackageGroup(stack, "reports", {
      group: "reports",
      region: "cn-north-4",
      paths: [`${OBS}/jobs/a.csv`, `${OBS}/jobs/b.py`],
      resourceType: ResourceType.TERRAFORM_DATA,
    });
    app.synth();
  };
  const run = async (args: string[]): Promise<TerraformRun> => {
    // Init again whenever the re-synthesized stack's providers changed, as `cdktf deploy` does.
    if (args[0] !== "init") await initIfNeeded(stackDir(), env());
    const result = await terraform(stackDir(), [...args, "-input=false"], env());
    if (result.code !== 0) throw new Error(`terraform ${args[0]} failed (exit ${result.code}):\n${result.output}`);
    return result;
  };

  beforeAll(async () => {
    for (const entry of Object.values(ENTRIES)) if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    emulator = await startEmulator({ port: 0 });
    outdir = mkdtempSync(join(tmpdir(), "dli-migration-"));
  });
  afterAll(async () => {
    await emulator?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  test("applied with cdktf: the group exists", async () => {
    synth("cdktf");
    await run(["apply", "-auto-approve"]);
    expect(emulator.groups().map((g) => g.group)).toEqual(["reports"]);
  });

  test("re-synthesized with cdktn: no change planned, no API call on apply", async () => {
    synth("cdktn");
    emulator.clearRequests();
    const plan = await run(["plan", "-detailed-exitcode"]);
    expect(plan.output).toMatch(/No changes/);
    const apply = await run(["apply", "-auto-approve"]);
    expect(apply.output).toMatch(/No changes/);
    expect(emulator.requests()).toEqual([]);
  });

  test("destroyed with cdktn: the group cdktf created is deleted", async () => {
    await run(["destroy", "-auto-approve"]);
    expect(emulator.groups()).toEqual([]);
  });
});
