/**
 * Run the bundled runtime (`node dist/runtime/dli-packages.js`) as a real child process with
 * async spawn (the in-process emulator must keep answering), and check every output for
 * secrets. `npm test` builds the bundle first; run `node scripts/bundle-runtime.mjs` when
 * running jest alone.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { RunningEmulator, startEmulator, EmulatorOptions } from "../../../lib/emulator";
import { PackageGroupSpec, SPEC_ENV } from "../../../lib/contract";

export const BUNDLE = join(__dirname, "..", "..", "..", "dist", "runtime", "dli-packages.js");

/** Secret values no output may contain (checked after every run). */
export const CANARY = {
  secretKey: "CANARY-sk-do-not-print-7f3a9c1e5b2d4f6a8c0e",
  temporarySecretKey: "CANARY-tmp-sk-do-not-print-91b2c3d4e5f6a7b8",
  securityToken: "CANARY-security-token-do-not-print-0a1b2c3d4e5f",
  password: "CANARY-password-do-not-print-55aa",
};
export const ACCESS_KEY = "RUNTIMETESTAK00000001";
export const TEMP_ACCESS_KEY = "RUNTIMETEMPAK00000002";

const secretsSeen = new Set<string>(Object.values(CANARY));
/** Register another secret (e.g. an issued IAM token) to check outputs against. */
export function addSecret(value: string): void {
  secretsSeen.add(value);
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Fast retry bounds so fault tests finish in well under a second each. */
export const FAST_RETRIES = {
  DLI_PACKAGES_MAX_ATTEMPTS: "6",
  DLI_PACKAGES_RETRY_BASE_MS: "5",
  DLI_PACKAGES_RETRY_MAX_DELAY_MS: "40",
  DLI_PACKAGES_RETRY_TOTAL_MS: "5000",
  DLI_PACKAGES_REQUEST_TIMEOUT_MS: "2000",
};

/**
 * `input` (or `{ input }`): written to the child's stdin, then closed (the external data source
 * protocol); stdin is ignored without it. `cwd`: the child's working directory.
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  inputOrOptions: string | { readonly cwd?: string; readonly input?: string } = {},
): Promise<CliResult> {
  const options = typeof inputOrOptions === "string" ? { input: inputOrOptions } : inputOrOptions;
  const input = options.input;
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "node scripts/bundle-runtime.mjs" (npm test does)`);
  const started = Date.now();
  // Only what we pass: no credentials leak in from the developer's shell.
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? "" };
  // Under `npm run mutation` (docs/mutation-testing.md) the active mutant and the folder the
  // bundle reports its coverage to; neither is set otherwise.
  for (const name of ["__STRYKER_ACTIVE_MUTANT__", "__DLI_MUTANT_COVERAGE_DIR__"]) {
    const value = process.env[name];
    if (value !== undefined) childEnv[name] = value;
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: childEnv, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"], cwd: options.cwd });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const result = { code, stdout, stderr, ms: Date.now() - started };
      assertNoSecrets(result);
      resolve(result);
    });
  });
}

export function assertNoSecrets(result: CliResult): void {
  const all = result.stdout + result.stderr;
  for (const secret of secretsSeen) {
    if (all.includes(secret)) throw new Error(`a secret reached the CLI output:\n${all.split(secret).join("<SECRET>")}`);
  }
  for (const marker of ["Signature=", "SDK-HMAC-SHA256 Access", "X-Auth-Token:", "x-auth-token:", "x-security-token:"]) {
    if (all.includes(marker)) throw new Error(`signed-header material (${marker}) reached the CLI output:\n${all}`);
  }
}

/** An emulator whose main SK and an extra temporary credential are canaries. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    accessKey: ACCESS_KEY,
    secretKey: CANARY.secretKey,
    credentials: [{ accessKey: TEMP_ACCESS_KEY, secretKey: CANARY.temporarySecretKey, securityToken: CANARY.securityToken }],
    users: [{ name: "runtime-user", password: CANARY.password, domain: "runtime-domain" }],
    throttlePerSecond: 0,
    ...options,
  });
}

export const OBS = (key: string) => `https://runtime-bucket.obs.cn-north-4.myhuaweicloud.com/${key}`;

/** A validated jar-group spec whose packages are OBS(name) for each name, as a stack declares it. */
export const jarSpec = (group: string, names: string[], extra: Partial<PackageGroupSpec> = {}): PackageGroupSpec => ({
  schemaVersion: "1",
  kind: "jar",
  group,
  paths: names.map(OBS),
  region: "cn-north-4",
  waitTimeoutSeconds: 60,
  removalPolicy: "destroy",
  ...extra,
});

export interface SpecInput {
  readonly kind?: string;
  readonly group?: string;
  readonly paths?: readonly string[];
  readonly waitTimeoutSeconds?: number;
  readonly projectId?: string;
}

/** The DLI_PACKAGES_* variables the provisioner would set. */
export function specEnv(spec: SpecInput = {}): Record<string, string> {
  return {
    [SPEC_ENV.schemaVersion]: "1",
    [SPEC_ENV.kind]: spec.kind ?? "jar",
    [SPEC_ENV.group]: spec.group ?? "gatk",
    [SPEC_ENV.paths]: JSON.stringify(spec.paths ?? [OBS("a.jar"), OBS("b.jar")]),
    [SPEC_ENV.region]: "cn-north-4",
    [SPEC_ENV.projectId]: spec.projectId ?? "",
    [SPEC_ENV.endpoint]: "",
    [SPEC_ENV.waitTimeoutSeconds]: String(spec.waitTimeoutSeconds ?? 30),
    [SPEC_ENV.removalPolicy]: "destroy",
  };
}

/** Emulator env (endpoints, AK/SK, project, region) + fast retries + the spec. */
export function fullEnv(emulator: RunningEmulator, spec: SpecInput = {}, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...emulator.env, ...FAST_RETRIES, ...specEnv(spec), ...extra };
}

/** `[{group, packages: [name:STATUS]}]`, sorted, for exact comparisons. */
export function groupsOf(emulator: RunningEmulator): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of emulator.groups()) out[g.group] = g.packages.map((p) => `${p.name}:${p.status.toUpperCase()}`).sort();
  return out;
}
