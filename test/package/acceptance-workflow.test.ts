/**
 * .github/workflows/acceptance.yml: the live acceptance suite on manual dispatch and nightly,
 * skipped with a notice when the repository has no secrets (its check step is run here for
 * real with bash), cleaned up after a failure or a cancel, its recording replayed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
// js-yaml comes with jest (@istanbuljs/load-nyc-config); only its load() is used.
const { load } = require("js-yaml") as { load(text: string): unknown };
const { runPrefix } = require("../../scripts/acceptance/plan.cjs") as { runPrefix(id: string): string };

interface Step { name?: string; uses?: string; run?: string; if?: string; id?: string }
interface Job { env: Record<string, string>; steps: Step[]; "timeout-minutes"?: number }
const workflow = load(readFileSync(join(ROOT, ".github", "workflows", "acceptance.yml"), "utf8")) as { on: Record<string, unknown>; jobs: { live: Job } };
const job = workflow.jobs.live;
const check = job.steps[0];

/** Runs the workflow's secrets check with exactly `env`; returns its stdout and its outputs. */
function runCheck(env: Record<string, string>) {
  const output = join(mkdtempSync(join(tmpdir(), "dli-acc-wf-")), "output");
  const result = spawnSync("bash", ["-e", "-c", check.run!], { env: { PATH: process.env.PATH ?? "", GITHUB_OUTPUT: output, ...env }, encoding: "utf8" });
  expect(result.status).toBe(0);
  return { stdout: result.stdout, outputs: readFileSync(output, "utf8") };
}

test("runs on manual dispatch and nightly, never on a push or pull request", () => {
  expect(Object.keys(workflow.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
  expect((workflow.on.schedule as { cron: string }[])[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
});

test("without the secrets it skips with a notice naming what is missing; with them it runs", () => {
  const none = runCheck({ HW_ACCESS_KEY: "", HW_SECRET_KEY: "", DLI_ACCEPTANCE_REGION: "", DLI_ACCEPTANCE_STAGING: "" });
  expect(none.outputs).toBe("live=false\n");
  expect(none.stdout).toMatch(/^::notice title=Live acceptance skipped::this repository has no secret for: HW_ACCESS_KEY HW_SECRET_KEY DLI_ACCEPTANCE_REGION DLI_ACCEPTANCE_STAGING /);
  const partial = runCheck({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK", DLI_ACCEPTANCE_REGION: "cn-north-4", DLI_ACCEPTANCE_STAGING: "" });
  expect(partial.outputs).toBe("live=false\n");
  expect(partial.stdout).toMatch(/no secret for: DLI_ACCEPTANCE_STAGING \(/);
  const all = runCheck({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK", DLI_ACCEPTANCE_REGION: "cn-north-4", DLI_ACCEPTANCE_STAGING: "https://b.obs.cn-north-4.myhuaweicloud.com/acc/" });
  expect(all.outputs).toBe("live=true\n");
  expect(all.stdout).toBe("");
  for (const step of job.steps.slice(1)) expect(step.if).toContain("steps.secrets.outputs.live == 'true'");
});

test("the live run: DLI_ACCEPTANCE=live from secrets, a run id CI can clean up, the recording kept and replayed", () => {
  expect(job.env.DLI_ACCEPTANCE).toBe("live");
  expect(job.env.HW_SECRET_KEY).toBe("${{ secrets.DLI_ACCEPTANCE_SECRET_KEY }}");
  expect(job.env.DLI_ACCEPTANCE_RUN_ID).toBe("gh${{ github.run_id }}${{ github.run_attempt }}");
  expect(runPrefix("gh123456789011")).toBe("dlipkg-acc-gh123456789011-"); // what that expression gives
  const named = (text: string) => job.steps.find((s) => s.run?.includes(text));
  expect(named("npm run test:acceptance -- --record .tmp/acceptance-recording.json")).toBeDefined();
  expect(named('cleanup "$DLI_ACCEPTANCE_RUN_ID"')?.if).toMatch(/failure\(\) \|\| cancelled\(\)/);
  expect(named("replay .tmp/acceptance-recording.json")).toBeDefined();
  expect(job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))?.if).toContain("always()");
  expect(job["timeout-minutes"]).toBeGreaterThan(0);
});
