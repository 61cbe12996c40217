/**
 * The way most people write it (issue 10 §2): a jest test that drives Terraform with
 * `execFileSync`, which blocks this process's event loop for the whole apply. Against the
 * child-process emulator the provisioners get their answers and the test reads the emulator
 * synchronously afterwards, exactly as in the README's jest example.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePackageGroup, ResourceType } from "../../lib";
import { RunningChildEmulator, startEmulator } from "../../lib/emulator";
import { obsPath, synthStack } from "./support/stacks";
import { probeTerraform, terraformEnvironment } from "./support/terraform";

const probe = probeTerraform();
if (!probe.ok) console.warn(`synchronous terraform against the child-process emulator skipped: ${probe.reason}`);

(probe.ok ? describe : describe.skip)("synchronous terraform (execFileSync) against the child-process emulator (terraform_data)", () => {
  let emulator: RunningChildEmulator;
  let outdir: string;
  let stackDir: string;
  /** Like a user's `execFileSync("terraform", [...])`; bounded, and short retries, so a regression fails fast instead of hanging. */
  const terraform = (...args: string[]) =>
    execFileSync(process.env.TERRAFORM_BINARY_NAME || "terraform", [...args, "-no-color"], {
      cwd: stackDir,
      encoding: "utf8",
      timeout: 90_000,
      env: terraformEnvironment({ ...emulator.env, DLI_PACKAGES_MAX_ATTEMPTS: "2", DLI_PACKAGES_REQUEST_TIMEOUT_MS: "5000" }),
    });

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, process: "child", readyDelayMs: 300 });
    outdir = mkdtempSync(join(tmpdir(), "dli-sync-tf-"));
    stackDir = synthStack(outdir, "sync", (stack) => {
      new FilePackageGroup(stack, "reports", {
        group: "reports",
        region: "cn-north-4",
        paths: [obsPath("jobs/a.csv"), obsPath("jobs/b.py")],
        resourceType: ResourceType.TERRAFORM_DATA,
      });
    });
  });
  afterAll(async () => {
    await emulator?.close();
    rmSync(outdir, { recursive: true, force: true });
  });
  beforeEach(() => emulator.reset());

  test("apply uploads the group (READY), re-apply makes no API call, destroy deletes it", () => {
    terraform("init", "-input=false");
    expect(terraform("apply", "-auto-approve", "-input=false")).toMatch(/Apply complete! Resources: 2 added/);
    expect(emulator.groups()).toEqual([
      expect.objectContaining({ group: "reports", status: "READY", packages: [expect.objectContaining({ name: "a.csv" }), expect.objectContaining({ name: "b.py" })] }),
    ]);
    expect(emulator.requests().filter((r) => r.method === "POST")).toHaveLength(1);

    emulator.clearRequests();
    expect(terraform("apply", "-auto-approve", "-input=false")).toMatch(/No changes/);
    expect(emulator.requests()).toEqual([]);

    terraform("destroy", "-auto-approve", "-input=false");
    expect(emulator.groups()).toEqual([]);
  });
});
