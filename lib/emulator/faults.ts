/**
 * Seeded, reproducible fault injection: for each request to an emulated API, one draw from a
 * seeded PRNG decides between 429 / 500 / 503 / a dropped connection / no fault, and a second
 * draw picks the latency when it is a range. Same seed + same request sequence = same faults.
 */

export interface FaultRates {
  /** Share of requests answered 429 APIGW.0308 (0..1). @default 0 */
  readonly rate429?: number;
  /** Share answered 500 (0..1). @default 0 */
  readonly rate500?: number;
  /** Share answered 503 (0..1). @default 0 */
  readonly rate503?: number;
  /** Share whose connection is destroyed without an answer (0..1). @default 0 */
  readonly rateDrop?: number;
  /** Delay before handling: fixed ms, or uniformly random in [min, max]. @default 0 */
  readonly latencyMs?: number | { readonly min: number; readonly max: number };
}

export interface FaultOptions extends FaultRates {
  /** PRNG seed. @default 1 */
  readonly seed?: number;
  /**
   * Per-route overrides, keyed by API name (`UploadFileJobResources`, `ListJobResources`,
   * `ShowJobResource`, `DeleteJobResource`, `UploadJobResources`, `UploadJarJobResources`,
   * `UploadPythonFileJobResources`, `UpdateJobResourceOwner`, `KeystoneListProjects`,
   * `KeystoneCreateUserTokenByPassword`, and the OBS ones: `OBS_API_NAMES`, e.g. `PutObject`,
   * `UploadPart`) or by HTTP method (`POST`). An override replaces the
   * top-level rates for matching requests (API name wins over method).
   * @default - the top-level rates for every request
   */
  readonly routes?: Readonly<Record<string, FaultRates>>;
}

export type FaultOutcome = "none" | "429" | "500" | "503" | "drop";

export interface FaultDecision {
  readonly outcome: FaultOutcome;
  readonly latencyMs: number;
}

const NO_FAULT: FaultDecision = { outcome: "none", latencyMs: 0 };

/** mulberry32: tiny, fast, good enough for reproducible test faults. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private options: FaultOptions = {};
  private random: () => number = mulberry32(1);
  private active = false;

  constructor(options?: FaultOptions) {
    this.set(options);
  }

  /** Replace the fault options; the PRNG restarts from the seed. */
  set(options: FaultOptions | undefined): void {
    checkFaultOptions(options ?? {});
    this.options = options ?? {};
    this.random = mulberry32(this.options.seed ?? 1);
    this.active = hasAnyFault(this.options) || Object.values(this.options.routes ?? {}).some(hasAnyFault);
  }

  current(): FaultOptions {
    return this.options;
  }

  decide(api: string, method: string): FaultDecision {
    if (!this.active) return NO_FAULT;
    const rates = this.options.routes?.[api] ?? this.options.routes?.[method] ?? this.options;
    const draw = this.random();
    let outcome: FaultOutcome = "none";
    let threshold = 0;
    for (const [kind, rate] of [
      ["429", rates.rate429],
      ["500", rates.rate500],
      ["503", rates.rate503],
      ["drop", rates.rateDrop],
    ] as const) {
      threshold += rate ?? 0;
      if (draw < threshold) {
        outcome = kind;
        break;
      }
    }
    const latency = rates.latencyMs;
    const latencyMs =
      latency === undefined ? 0 : typeof latency === "number" ? latency : latency.min + Math.floor(this.random() * (latency.max - latency.min + 1));
    return { outcome, latencyMs };
  }
}

function hasAnyFault(rates: FaultRates): boolean {
  return Boolean(rates.rate429 || rates.rate500 || rates.rate503 || rates.rateDrop || rates.latencyMs);
}

function checkRates(where: string, rates: FaultRates, problems: string[]): void {
  let total = 0;
  for (const name of ["rate429", "rate500", "rate503", "rateDrop"] as const) {
    const value = rates[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) problems.push(`${where}${name}: ${JSON.stringify(value)} — must be between 0 and 1`);
    else total += value;
  }
  if (total > 1 + 1e-9) problems.push(`${where}rates add up to ${total} — their sum must be ≤ 1`);
  const latency = rates.latencyMs;
  if (latency !== undefined) {
    const ok =
      typeof latency === "number"
        ? latency >= 0
        : typeof latency === "object" && latency !== null && latency.min >= 0 && latency.max >= latency.min;
    if (!ok) problems.push(`${where}latencyMs: ${JSON.stringify(latency)} — a number ≥ 0 or {min, max} with 0 ≤ min ≤ max`);
  }
}

export function checkFaultOptions(options: FaultOptions): void {
  const problems: string[] = [];
  checkRates("faults.", options, problems);
  for (const [route, rates] of Object.entries(options.routes ?? {})) checkRates(`faults.routes.${route}.`, rates, problems);
  if (problems.length > 0) throw new Error(`dli-local: invalid fault options:\n  ${problems.join("\n  ")}`);
}
