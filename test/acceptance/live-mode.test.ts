/**
 * The live mode of `npm run test:acceptance`, exercised for real here by pointing it at a
 * dli-local on loopback instead of a Huawei Cloud region (DLI_ACCEPTANCE=live with
 * HW_DLI_ENDPOINT/HW_IAM_ENDPOINT, the emulator's keys and a staging prefix):
 *
 * - it refuses to start, with one line, against a real endpoint without DLI_ACCEPTANCE=live, and
 *   in live mode without a region, credentials or the staging prefix;
 * - a whole live run (`--record`) touches nothing outside its run prefix, leaves nothing, and
 *   writes a recording without secrets, signatures or ids;
 * - that recording, replayed against a fresh dli-local, matches; edited (a field dli-local lacks,
 *   a type, a status, an error code, a field removed) it fails with one line per difference;
 * - `cleanup <run id>` deletes exactly the groups of that run;
 * - an interrupted live run stops terraform and its provisioners and still cleans up.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { silentProgress } from "../../lib/runtime/progress";
import { openSession } from "../../lib/runtime/session";
import { probeTerraform, startCommand, StartedTerraform } from "../lifecycle/support/terraform";
import { recordingTools, ROOT } from "./support/acceptance-run";

const SCRIPT = join(ROOT, "scripts", "acceptance.mjs");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cleanup = require("../../scripts/acceptance/cleanup.cjs");
const STAGING = "https://dli-acceptance.obs.cn-north-4.myhuaweicloud.com/acceptance/";
const REAL_DLI = "https://dli.cn-north-4.myhuaweicloud.com";
const CANARY = "CANARY-secret-key-never-printed-4b1d";

/** The environment without anything of the outer run (its run id, its recorder). */
function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("DLI_ACCEPTANCE") || name.startsWith("HW_") || name.startsWith("HUAWEICLOUD_SDK_")) delete env[name];
  delete env.NODE_OPTIONS;
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

function acceptance(args: string[], env: NodeJS.ProcessEnv): StartedTerraform {
  return startCommand(process.execPath, [SCRIPT, ...args], ROOT, env);
}

describe("refusals: one line, exit 2, before anything starts", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["a real endpoint without DLI_ACCEPTANCE=live", { HW_DLI_ENDPOINT: REAL_DLI, HW_ACCESS_KEY: "AK", HW_SECRET_KEY: CANARY }, /^acceptance: refused: HW_DLI_ENDPOINT: "https:\/\/dli\.cn-north-4\.myhuaweicloud\.com" — .*set DLI_ACCEPTANCE=live/],
    ["live without a region", { DLI_ACCEPTANCE: "live", HW_DLI_ENDPOINT: REAL_DLI }, /^acceptance: refused: DLI_ACCEPTANCE_REGION: \(not set\) — /],
    ["live without credentials", { DLI_ACCEPTANCE: "live", DLI_ACCEPTANCE_REGION: "cn-north-4", HW_DLI_ENDPOINT: REAL_DLI, DLI_ACCEPTANCE_STAGING: STAGING }, /^acceptance: refused: credentials: no credentials: set HW_ACCESS_KEY and HW_SECRET_KEY/],
    ["live without the staging prefix", { DLI_ACCEPTANCE: "live", DLI_ACCEPTANCE_REGION: "cn-north-4", HW_DLI_ENDPOINT: REAL_DLI, HW_ACCESS_KEY: "AK", HW_SECRET_KEY: CANARY }, /^acceptance: refused: DLI_ACCEPTANCE_STAGING: \(not set\) — an OBS URL prefix/],
    ["live with a staging prefix that is a whole bucket", { DLI_ACCEPTANCE: "live", DLI_ACCEPTANCE_REGION: "cn-north-4", HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK", DLI_ACCEPTANCE_STAGING: "https://dli-acceptance.obs.cn-north-4.myhuaweicloud.com/" }, /^acceptance: refused: DLI_ACCEPTANCE_STAGING: .*the prefix is empty/],
    ["live with an IAM token only (OBS takes AK/SK)", { DLI_ACCEPTANCE: "live", DLI_ACCEPTANCE_REGION: "cn-north-4", HW_AUTH_TOKEN: CANARY, DLI_ACCEPTANCE_STAGING: STAGING }, /^acceptance: refused: credentials: HW_AUTH_TOKEN alone cannot write OBS objects/],
    ["an unknown mode", { DLI_ACCEPTANCE: "staging\u001b[31m" }, /^acceptance: refused: DLI_ACCEPTANCE: "staging\\u001b\[31m" — 'live'/],
  ];
  test.each(cases)("%s", async (_title, extra, expected) => {
    const result = await acceptance([], baseEnv(extra)).done;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(expected);
    expect(result.output).not.toContain(CANARY);
  });
});

describe("live mode against dli-local on loopback", () => {
  let emulator: RunningEmulator;
  const FOREIGN = "team-a-jobs";
  let liveEnv: (extra?: Record<string, string>) => NodeJS.ProcessEnv;

  const groupNames = () => emulator.groups().map((g) => g.group).sort();
  async function upload(group: string, key: string) {
    const session = await openSession({ region: "cn-north-4", env: emulator.env, progress: silentProgress });
    try {
      await session.client.uploadGroup("file", group, [`https://team-a.obs.cn-north-4.myhuaweicloud.com/${key}`]);
    } finally {
      await session.close();
    }
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, obsBuckets: ["dli-acceptance"] });
    const { HW_PROJECT_ID: _resolvedFromIam, ...keysAndEndpoints } = emulator.env;
    liveEnv = (extra = {}) => baseEnv({ ...keysAndEndpoints, DLI_ACCEPTANCE: "live", DLI_ACCEPTANCE_REGION: "cn-north-4", DLI_ACCEPTANCE_STAGING: STAGING, ...extra });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  const terraform = probeTerraform();
  if (!terraform.ok) console.warn(`live-mode run skipped: ${terraform.reason}`);
  (terraform.ok ? describe : describe.skip)("a whole live run with --record", () => {
    let recordFile: string;
    let output = "";

    beforeAll(async () => {
      emulator.reset();
      await upload(FOREIGN, "jobs/keep.py");
      recordFile = join(mkdtempSync(join(tmpdir(), "dli-acc-record-")), "live.json");
      const result = await acceptance(["--record", recordFile, "test/acceptance/scenarios.test.ts"], liveEnv()).done;
      output = result.output;
      if (result.code !== 0) throw new Error(`the live run failed (exit ${result.code}):\n${output.slice(-6000)}`);
    }, 120_000);

    test("it says what it creates and where, then touches nothing outside its prefix and leaves nothing", () => {
      const [, runId, projectId] = /acceptance: LIVE run ([a-z0-9]+) in region cn-north-4, project ([0-9a-f]{32}) \(resolved from IAM for cn-north-4\), DLI http:\/\/127\.0\.0\.1:\d+/.exec(output) ?? [];
      expect(runId).toBeDefined();
      expect(projectId).toBe(emulator.env.HW_PROJECT_ID); // said before anything was created
      expect(output).toContain(`it creates package groups named dlipkg-acc-${runId}-* and OBS objects under ${STAGING}dlipkg-acc-${runId}-`);
      expect(output).toMatch(/acceptance: cleanup: nothing of the run was left/);
      expect(groupNames()).toEqual([FOREIGN]);
      expect(emulator.groups()[0].packages.map((p) => `${p.name}:${String(p.status).toUpperCase()}`)).toEqual(["keep.py:READY"]);
    });

    test("the recording holds no secret, signature, run id, project id, host or foreign group", () => {
      const text = readFileSync(recordFile, "utf8");
      const recorded = JSON.parse(text);
      expect(recorded).toMatchObject({ format: "dli-acceptance-recording/1", mode: "live", region: "cn-north-4" });
      expect(recorded.exchanges.length).toBeGreaterThan(20);
      expect(recorded.exchanges.find((e: { service: string }) => e.service === "iam")).toMatchObject({ method: "GET", path: "/v3/projects", query: "name=cn-north-4" });
      expect(recorded.exchanges.find((e: { service: string }) => e.service === "obs")).toMatchObject({ method: "PUT", path: "/dli-acceptance/acceptance/dlipkg-acc-<run>-objects/a.csv" });
      expect(text).not.toContain(emulator.env.HW_SECRET_KEY);
      expect(text).not.toContain(emulator.env.HW_ACCESS_KEY);
      expect(text).not.toContain(emulator.env.HW_PROJECT_ID);
      expect(text).not.toMatch(/SDK-HMAC-SHA256|Signature=|127\.0\.0\.1|dlipkg-acc-[a-z0-9]+-/);
      expect(text).not.toContain(FOREIGN);
      expect(text).toContain("/v2.0/<id-1>/resources");
      expect(text).toContain("dlipkg-acc-<run>-reports");
      expect(recorded.exchanges.some((e: { omittedEntries?: number }) => (e.omittedEntries ?? 0) > 0)).toBe(true);
      // Every write names the run's prefix (in its path, query or body): nothing else was changed.
      const writes = recorded.exchanges.filter((e: { method: string }) => e.method !== "GET");
      expect(writes.length).toBeGreaterThan(5);
      for (const write of writes) expect(JSON.stringify([write.path, write.query, write.requestBody])).toContain("dlipkg-acc-<run>-");
    });

    test("replayed against a fresh dli-local it matches; every kind of edit is reported, one line each", async () => {
      const recorded = JSON.parse(readFileSync(recordFile, "utf8"));
      const clean = await recordingTools.replay(recorded);
      expect(clean.differences).toEqual([]);
      expect(clean.compared).toBeGreaterThan(20);

      const listing = recorded.exchanges.findIndex((e: any) => e.service === "dli" && e.method === "GET" && Array.isArray(e.responseBody?.groups) && e.responseBody.groups.length > 0);
      const upload = recorded.exchanges.findIndex((e: any) => e.method === "POST" && e.status === 201);
      expect(listing).toBeGreaterThanOrEqual(0);
      expect(upload).toBeGreaterThanOrEqual(0);
      const edited = structuredClone(recorded);
      edited.exchanges[listing].responseBody.groups[0].owner_id = "a field dli-local lacks"; // 1 added
      edited.exchanges[listing].responseBody.total = String(edited.exchanges[listing].responseBody.total); // 2 a type
      delete edited.exchanges[listing].responseBody.modules; // 3 removed
      edited.exchanges[upload].status = 200; // 4 a status
      edited.exchanges[upload].responseBody.error_code = "DLI.0999"; // 5 an error code (and its field)
      const result = await recordingTools.replay(edited);
      const at = (i: number) => `#${i + 1} ${edited.exchanges[i].method} ${edited.exchanges[i].path}`;
      expect(result.differences).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^${escape(at(listing))}.*: body\\.groups\\[\\]\\.owner_id: recorded \\(string\\), dli-local lacks it$`)),
          expect.stringMatching(new RegExp(`^${escape(at(listing))}.*: body\\.total: recorded string, dli-local number$`)),
          expect.stringMatching(new RegExp(`^${escape(at(listing))}.*: body\\.modules: dli-local answers it \\(array\\), the recording lacks it$`)),
          expect.stringMatching(new RegExp(`^${escape(at(upload))}.*: status: recorded 200, dli-local 201$`)),
          expect.stringMatching(new RegExp(`^${escape(at(upload))}.*: error_code: recorded "DLI.0999", dli-local undefined$`)),
        ]),
      );
      expect(result.differences).toHaveLength(6); // the five, plus the error_code field itself
    });

    test("`replay <file>` exits 1 on a difference and 0 on none", async () => {
      const same = await acceptance(["replay", recordFile], baseEnv({})).done;
      expect(same.code).toBe(0);
      expect(same.stdout).toMatch(/replay of .*: \d+ answer\(s\) compared with dli-local, \d+ skipped, 0 difference\(s\)/);
    });
  });

  test("credentials the service rejects: exit 1 at the project lookup, before anything is created", async () => {
    emulator.reset();
    const result = await acceptance([], liveEnv({ HW_SECRET_KEY: CANARY })).done;
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^acceptance: cannot resolve the project of region cn-north-4 with these credentials: .*; nothing was created$/);
    expect(result.stdout).not.toMatch(/LIVE run/);
    expect(result.output).not.toContain(CANARY);
    expect(groupNames()).toEqual([]);
    expect(emulator.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([expect.stringMatching(/^GET \/v3\/projects 401$/)]);
  });

  test("cleanup <run id> deletes exactly that run's groups", async () => {
    emulator.reset();
    for (const group of ["dlipkg-acc-deadrun01-a", "dlipkg-acc-deadrun01-b", "dlipkg-acc-otherrun1-a", FOREIGN]) await upload(group, "jobs/x.py");
    const result = await acceptance(["cleanup", "deadrun01"], liveEnv()).done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/cleanup of run deadrun01 done: 2 group\(s\) and 0 OBS object\(s\) deleted/);
    expect(groupNames()).toEqual(["dlipkg-acc-otherrun1-a", FOREIGN]);

    const badId = await acceptance(["cleanup", "x;rm"], liveEnv()).done;
    expect(badId.code).toBe(2);
    expect(badId.stderr.trim()).toBe('acceptance: run id: "x;rm" — 6 to 20 lower-case letters or digits (the id a run printed at its start)');
    const local = await acceptance(["cleanup", "deadrun01"], baseEnv({})).done;
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/cleanup is for live runs/);
  });

  (terraform.ok ? test : test.skip)("an interrupted live run stops terraform and its provisioners and still deletes what it created", async () => {
    emulator.reset();
    await upload(FOREIGN, "jobs/keep.py");
    emulator.configure({ readyDelayMs: 600_000 }); // the first apply waits for READY until interrupted
    const started = acceptance(["test/acceptance/scenarios.test.ts"], liveEnv());
    const deadline = Date.now() + 60_000;
    while (!groupNames().some((g) => g.startsWith("dlipkg-acc-"))) {
      if (Date.now() > deadline) throw new Error("the live run created no group within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    process.kill(started.pid, "SIGINT");
    const result = await started.done;
    emulator.configure({ readyDelayMs: 0 });
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(/acceptance: SIGINT: stopping the run, then cleaning up/);
    expect(result.stdout).toMatch(/cleanup: deleted group dlipkg-acc-[a-z0-9]+-/);
    expect(groupNames()).toEqual([FOREIGN]);
    expect(await cleanup.objectsOfRun({ env: liveEnv(), staging: STAGING, prefix: "dlipkg-acc-" })).toEqual([]);
    expect(result.stdout).toMatch(/cleanup: deleted \d+ OBS object\(s\) under /);
    expect(processesRunning("dli-packages.js upload-group")).toEqual([]);
  }, 90_000);
});

/**
 * Live recordings a maintainer committed (`npm run test:acceptance -- --record
 * test/acceptance/recordings/<name>.json` with DLI_ACCEPTANCE=live, docs/acceptance.md): each
 * replayed against dli-local on every run, so an emulator change that departs from the real
 * service's answers fails here.
 */
const RECORDINGS = join(__dirname, "recordings");
const committed = existsSync(RECORDINGS) ? readdirSync(RECORDINGS).filter((f) => f.endsWith(".json")).sort() : [];
if (committed.length === 0) console.log("acceptance: no live recording committed under test/acceptance/recordings/ (docs/acceptance.md: refreshing fidelity)");
else {
  test.each(committed)("the committed live recording %s: dli-local answers every recorded request with the same status, error code and shape", async (name) => {
    const result = await recordingTools.replay(JSON.parse(readFileSync(join(RECORDINGS, name), "utf8")));
    expect(result.differences).toEqual([]);
    expect(result.compared).toBeGreaterThan(0);
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Command lines of running processes containing `needle` (Linux /proc). */
function processesRunning(needle: string): string[] {
  const { readdirSync, readlinkSync } = require("node:fs") as typeof import("node:fs");
  const found: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      if (commandLine.includes(needle) && readlinkSync(`/proc/${entry}/cwd`).includes("/dli-acc-")) found.push(commandLine);
    } catch {
      // Gone.
    }
  }
  return found;
}
