/**
 * One user's stack under real Terraform against an in-process emulator: synthesize into a fixed
 * directory, run terraform there, and read what DLI (the emulator) holds. Shared by the
 * lifecycle scenarios.
 */
import { TerraformStack } from "cdktf";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorOptions, startEmulator, RunningEmulator } from "../../../lib/emulator";
import { synthApp, synthStack } from "./stacks";
import { initIfNeeded, recordInit, startTerraform, StartedTerraform, terraform, TerraformRun } from "./terraform";

const BUNDLE = join(__dirname, "..", "..", "..", "dist", "runtime", "dli-packages.js");

export class TerraformSession {
  /** Every terraform output of this session, for the no-secret check. */
  public readonly outputs: string[] = [];
  public stackDir = "";

  private constructor(
    public readonly emulator: RunningEmulator,
    private readonly outdir: string,
  ) {}

  /** `emulator`: options of the in-process dli-local (e.g. the OBS buckets it serves). */
  static async start(label: string, emulatorOptions: EmulatorOptions = {}): Promise<TerraformSession> {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test does)`);
    const emulator = await startEmulator({ port: 0, ...emulatorOptions });
    return new TerraformSession(emulator, mkdtempSync(join(tmpdir(), `dli-e2e-${label}-`)));
  }

  async close(): Promise<void> {
    await this.emulator.close();
    rmSync(this.outdir, { recursive: true, force: true });
  }

  /** The environment the provisioners get: the emulator's endpoints and keys, short retry bounds. */
  env(): Record<string, string> {
    return { ...this.emulator.env, DLI_PACKAGES_MAX_ATTEMPTS: "2", DLI_PACKAGES_RETRY_BASE_MS: "20" };
  }

  synth(declare: (stack: TerraformStack) => void): void {
    this.stackDir = synthStack(this.outdir, "e2e", declare);
  }

  /** The synth output directory (`stacks/<name>` below it). */
  stackDirRoot(): string {
    return this.outdir;
  }

  /** Several stacks of one App (cross-stack scenarios); `run`/`apply` take a stack directory from it via `in`. */
  synthApp(stacks: Record<string, (stack: TerraformStack) => void>): Record<string, string> {
    return synthApp(this.outdir, stacks);
  }

  /**
   * `terraform <args>` in `stackDir` (default: the last `synth`'s). Like `cdktf deploy`, it first
   * runs `terraform init` whenever the stack's required providers (or backend, or modules) may
   * have changed since its last init: a re-synthesized stack can need a provider it did not.
   */
  async run(args: string[], stackDir = this.stackDir): Promise<TerraformRun> {
    if (args[0] !== "init" && args[0] !== "version") {
      const init = await initIfNeeded(stackDir, this.env());
      if (init) this.outputs.push(init.output);
    }
    const result = await terraform(stackDir, args, this.env());
    if (args[0] === "init" && result.code === 0) recordInit(stackDir);
    this.outputs.push(result.output);
    return result;
  }

  /** Starts `terraform <args>` in the last `synth`'s directory without waiting (init it first with {@link run} or {@link init}). */
  start(args: string[]): StartedTerraform {
    return startTerraform(this.stackDir, args, this.env());
  }

  /** `terraform init` of `stackDir` if its providers may have changed since its last one (see {@link run}). */
  async init(stackDir = this.stackDir): Promise<void> {
    const init = await initIfNeeded(stackDir, this.env());
    if (init) this.outputs.push(init.output);
  }

  apply(...extra: string[]): Promise<TerraformRun> {
    return this.run(["apply", "-auto-approve", "-input=false", ...extra]);
  }

  /** `name:STATUS` of each live package of `group`, sorted; undefined when the group is absent. */
  live(group: string): string[] | undefined {
    const found = this.emulator.groups().find((g) => g.group === group);
    return found ? found.packages.map((p) => `${p.name}:${String(p.status).toUpperCase()}`).sort() : undefined;
  }

  callsTo(method: string) {
    return this.emulator.requests().filter((r) => r.method === method);
  }

  /** Addresses of the resources in the Terraform state. */
  async stateAddresses(): Promise<string[]> {
    const shown = await this.run(["show", "-json"]);
    expectSuccess(shown);
    const resources: { address: string }[] = JSON.parse(shown.stdout).values?.root_module?.resources ?? [];
    return resources.map((r) => r.address).sort();
  }
}

export function expectSuccess(result: TerraformRun): void {
  if (result.code !== 0) throw new Error(`terraform failed (exit ${result.code}):\n${result.output}`);
}
