/**
 * One acceptance run as the scenarios see it, the same for dli-local and a live project: names
 * under the run prefix, the environment terraform and the provisioners get (with the recorder
 * preloaded into every `dli-packages` process), and what DLI holds, read through the API as a
 * user would (never from the emulator's memory). Synthesis and terraform are the lifecycle
 * suites' harness (test/lifecycle/support).
 *
 * scripts/acceptance.mjs plans the run (DLI_ACCEPTANCE_RUN_ID, DLI_ACCEPTANCE_WORKDIR,
 * DLI_ACCEPTANCE_EXCHANGES); run by plain jest, the suite plans a local run itself.
 */
import { TerraformStack } from "cdktf";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { Readable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, RunningEmulator } from "../../../lib/emulator";
import { obsObjectLocation } from "../../../lib/contract";
import { credentialsFromEnvironment } from "../../../lib/runtime/credentials";
import { obsEndpointOverride } from "../../../lib/runtime/endpoints";
import { ObsClient } from "../../../lib/runtime/obs/obs-client";
import { obsBucketAddress } from "../../../lib/runtime/obs/obs-address";
import { silentProgress } from "../../../lib/runtime/progress";
import { retryBoundsFromEnvironment } from "../../../lib/runtime/retry-policy";
import { createTransport } from "../../../lib/runtime/transport";
import { openSession } from "../../../lib/runtime/session";
import { synthApp } from "../../lifecycle/support/stacks";
import { startTerraform, StartedTerraform, terraform, TerraformRun } from "../../lifecycle/support/terraform";

/* eslint-disable @typescript-eslint/no-require-imports */
const plan = require("../../../scripts/acceptance/plan.cjs");
const recorder = require("../../../scripts/acceptance/recorder.cjs");
const recording = require("../../../scripts/acceptance/recording.cjs");
const cleanup = require("../../../scripts/acceptance/cleanup.cjs");

export const ROOT = join(__dirname, "..", "..", "..");
export const RECORDER = join(ROOT, "scripts", "acceptance", "recorder.cjs");

export interface RunPlan {
  readonly mode: "local" | "live";
  readonly runId: string;
  readonly prefix: string;
  readonly region?: string;
  readonly staging?: string;
  readonly env: Record<string, string>;
}

export interface Exchange {
  readonly pid: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
}

export class AcceptanceRun {
  /** Every terraform and CLI output of the run, for the no-secret check. */
  readonly outputs: string[] = [];
  private readonly outdir: string;

  private constructor(
    readonly plan: RunPlan,
    readonly region: string,
    readonly exchangesFile: string,
    readonly emulator: RunningEmulator | undefined,
  ) {
    this.outdir = mkdtempSync(join(tmpdir(), `dli-acc-${plan.runId}-`));
  }

  static async start(): Promise<AcceptanceRun> {
    const runId = process.env.DLI_ACCEPTANCE_RUN_ID;
    const planned: RunPlan = plan.planRun(process.env, runId ?? plan.newRunId());
    const workdir = process.env.DLI_ACCEPTANCE_WORKDIR ?? join(ROOT, ".tmp", "acceptance", planned.runId);
    mkdirSync(workdir, { recursive: true });
    const exchangesFile = process.env.DLI_ACCEPTANCE_EXCHANGES ?? join(workdir, "exchanges.jsonl");
    // The suite's own requests (reading what is live, the console's changes) are recorded too.
    recorder.install(exchangesFile);
    if (planned.mode === "live") return new AcceptanceRun(planned, planned.region!, exchangesFile, undefined);
    // dli-local serves the staging bucket and checks package URLs in it against its objects, as DLI does.
    const emulator = await startEmulator({ port: 0, region: planned.region, obsBuckets: [obsObjectLocation(planned.staging!)!.bucket] });
    return new AcceptanceRun(planned, planned.region!, exchangesFile, emulator);
  }

  get live(): boolean {
    return this.plan.mode === "live";
  }

  /** `dlipkg-acc-<run id>-<name>`: every group of the run. */
  name(name: string): string {
    return `${this.plan.prefix}${name}`;
  }

  /** The URL of object `key` of the run (`<staging><run prefix>objects/<key>`); {@link putObjects} creates it. */
  obsPath(key: string): string {
    return `${this.plan.staging}${this.plan.prefix}objects/${key}`;
  }

  /** The `staging` prop of the run's groups with local files: `<staging><run prefix>staging/`. */
  filesStaging(): string {
    return `${this.plan.staging}${this.plan.prefix}staging/`;
  }

  /** Puts one small object per key at {@link obsPath}, with OBS's own API (the runtime's client). */
  async putObjects(keys: string[]): Promise<void> {
    const env = this.env();
    const credentials = credentialsFromEnvironment(env);
    const transport = createTransport(credentials, retryBoundsFromEnvironment(env));
    try {
      const client = new ObsClient(transport, credentials);
      for (const key of keys) {
        const location = obsObjectLocation(this.obsPath(key))!;
        const address = obsBucketAddress(location.bucket, location.region, location.domain, obsEndpointOverride(env));
        const bytes = Buffer.from(`acceptance fixture ${key}\n`);
        const body = { length: bytes.length, open: () => Readable.from([bytes]) };
        await client.putObject(address, location.key, body, createHash("md5").update(bytes).digest("base64"), createHash("sha256").update(bytes).digest("hex"));
      }
    } finally {
      await transport.close();
    }
  }

  /** Keys of the run's objects below the staging prefix, sorted. */
  objects(): Promise<string[]> {
    return cleanup.objectsOfRun({ env: this.env(), staging: this.plan.staging, prefix: this.plan.prefix });
  }

  /** The environment of terraform, its provisioners and the CLI. */
  env(): Record<string, string> {
    const base: Record<string, string> = { ...this.plan.env, DLI_ACCEPTANCE_EXCHANGES: this.exchangesFile };
    // Quoted: NODE_OPTIONS splits on spaces, and a clone's path may hold some.
    base.NODE_OPTIONS = `${base.NODE_OPTIONS ? `${base.NODE_OPTIONS} ` : ""}--require ${JSON.stringify(RECORDER)}`;
    if (this.emulator) Object.assign(base, this.emulator.env, { DLI_PACKAGES_MAX_ATTEMPTS: "2", DLI_PACKAGES_RETRY_BASE_MS: "20" });
    return base;
  }

  /** The values no output or recording may contain. */
  secrets(): string[] {
    const env = this.env();
    return ["HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK", "HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_AUTH_TOKEN"].map((n) => env[n]).filter((v): v is string => !!v);
  }

  /** Synthesizes one App of `stacks` (each with a local backend) and returns each stack's directory. */
  synth(stacks: Record<string, (stack: TerraformStack) => void>): Record<string, string> {
    return synthApp(this.outdir, stacks);
  }

  async terraform(dir: string, args: string[]): Promise<TerraformRun> {
    const result = await terraform(dir, args, this.env());
    this.outputs.push(result.output);
    return result;
  }

  startTerraform(dir: string, args: string[]): StartedTerraform {
    return startTerraform(dir, args, this.env());
  }

  /** Every exchange recorded so far; `fromProvisioners` leaves out the suite's own. */
  exchanges(fromProvisioners = false): Exchange[] {
    const all: Exchange[] = recording.readExchanges(this.exchangesFile);
    return fromProvisioners ? all.filter((e) => e.pid !== process.pid) : all;
  }

  /** What `action` made the provisioners send, as `METHOD path?query`. */
  async callsDuring<T>(action: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
    const before = this.exchanges(true).length;
    const result = await action();
    const calls = this.exchanges(true)
      .slice(before)
      .map((e) => `${e.method} ${e.path}${e.query ? `?${e.query}` : ""}`);
    return { result, calls };
  }

  /** `name:STATUS` of each package of `group`, sorted, read through the API; undefined when absent. */
  async packages(group: string): Promise<string[] | undefined> {
    return this.withClient(async (client) => {
      const found = await client.getGroup(group);
      return found ? found.packages.map((p) => `${p.name}:${p.status}`).sort() : undefined;
    });
  }

  /** The names of the run's live groups, sorted. */
  groups(): Promise<string[]> {
    return cleanup.groupsOfRun({ env: this.env(), region: this.region, prefix: this.plan.prefix });
  }

  /** A change made in the console: delete one package. */
  deletePackage(name: string, group: string): Promise<unknown> {
    return this.withClient((client) => client.deletePackage(name, group));
  }

  async withClient<T>(use: (client: Awaited<ReturnType<typeof openSession>>["client"]) => Promise<T>): Promise<T> {
    const session = await openSession({ region: this.region, env: this.env(), progress: silentProgress });
    try {
      return await use(session.client);
    } finally {
      await session.close();
    }
  }

  /** The run's recording (secrets removed, ids normalized). */
  recording(): any {
    return recording.normalize(recording.readExchanges(this.exchangesFile), {
      runId: this.plan.runId,
      staging: this.plan.staging,
      region: this.region,
      mode: this.plan.mode,
      secrets: this.secrets(),
    });
  }

  /** Deletes every group of the run that is left (live: also after a failure), then stops dli-local. */
  async close(): Promise<void> {
    try {
      if (this.live) {
        const say = (line: string) => console.log(line);
        await cleanup.cleanupRun({ env: this.env(), region: this.region, prefix: this.plan.prefix, say });
        await cleanup.cleanupObjects({ env: this.env(), staging: this.plan.staging, prefix: this.plan.prefix, say });
      }
    } finally {
      await this.emulator?.close();
      rmSync(this.outdir, { recursive: true, force: true });
    }
  }
}

export function expectApplied(result: TerraformRun): TerraformRun {
  if (result.code !== 0) throw new Error(`terraform failed (exit ${result.code}):\n${result.output.slice(-6000)}`);
  return result;
}

export const recordingTools = recording as {
  replay(recorded: unknown, options?: Record<string, unknown>): Promise<{ compared: number; skipped: string[]; differences: string[] }>;
  normalize(exchanges: unknown[], context: Record<string, unknown>): any;
  readExchanges(file: string): any[];
  shapeOf(value: unknown): unknown;
};
export const planTools = plan as { planRun(env: NodeJS.ProcessEnv, runId?: string): RunPlan; describePlan(run: RunPlan): string[] };
