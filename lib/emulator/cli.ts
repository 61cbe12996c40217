#!/usr/bin/env node
/**
 * `dli-local`: start the DLI emulator from a shell. Prints the `export KEY=value` lines that
 * point the runtime at it on stdout first (so `eval "$(dli-local … | head -7)"` works), then
 * serves, writing one request-log line per request on stderr. SIGINT/SIGTERM close it cleanly.
 */
import { parseArgs } from "node:util";
import { FaultOptions } from "./faults";
import { DEFAULTS, EmulatorOptions } from "./options";
import { StateFileError } from "./dli/persistence";
import { startEmulator } from "./server";

const HELP = `Usage: dli-local [options]

A local Huawei Cloud DLI + IAM emulator for the package-group APIs, and OBS for the buckets
named with --obs-bucket: verifies SDK-HMAC-SHA256 and OBS signatures, keeps state, injects faults. Prints the environment for the runtime on stdout
(export KEY=value lines), then logs one line per request on stderr. Stop with Ctrl-C.

Options:
  --port <n>               TCP port, 0 = a free one (default 0)
  --host <addr>            interface (default 127.0.0.1)
  --region <id>            region of the project (default ${DEFAULTS.region})
  --project-id <hex32>     project id (default ${DEFAULTS.projectId})
  --access-key <ak>        access key accepted (default ${DEFAULTS.accessKey})
  --secret-key <sk>        its secret key (default: a fixed emulator-only value)
  --semantics <s>          same-name group upload: overwrite (default) | merge
  --ready-delay-ms <n>     uploads stay UPLOADING this long before READY (default 0)
  --fail-path <pattern>    OBS paths containing <pattern> end FAILED; /regexp/flags for a
                           regular expression; repeatable
  --missing-objects <m>    failed (default: package ends FAILED) | error (400 DLI.0011)
  --throttle <n>           requests per second per caller and API, 0 = off (default 200)
  --retry-after <s>        send Retry-After: <s> with 429 answers (default: not sent)
  --fault-seed <n>         PRNG seed for fault injection (default 1)
  --rate-429 <0..1>        share of requests answered 429 APIGW.0308
  --rate-500 <0..1>        share answered 500
  --rate-503 <0..1>        share answered 503
  --rate-drop <0..1>       share whose connection is dropped
  --latency-ms <n|min-max> added latency, fixed or uniformly random
  --state-file <path>      persist state to this JSON file (atomic writes), load it at start
  --token-lifetime <s>     IAM token lifetime in seconds (default 86400)
  --lockout-after <n>      lock an AK for 5 minutes after more than <n> consecutive bad
                           signatures, as APIG does with 5 (default 0 = off)
  --obs-bucket <name>      serve this OBS bucket (path-style at HW_OBS_ENDPOINT, objects on
                           disk); package URLs in it must name existing objects; repeatable
  --obs-dir <path>         keep OBS objects in this directory, loaded at start (default:
                           <state-file>.obs with --state-file, else a temporary directory
                           removed on exit)
  --quiet                  no request log on stderr
  -h, --help               this text

Control routes (loopback only): GET|DELETE /__emulator/requests, POST /__emulator/reset,
GET /__emulator/state, GET|PUT /__emulator/config (JSON patch of the runtime options).
`;

class UsageError extends Error {}

function number(name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0 || parsed > max) {
    throw new UsageError(`--${name}: ${JSON.stringify(value)} is not a number between 0 and ${max}`);
  }
  return parsed;
}

function failPattern(value: string): string | RegExp {
  const match = /^\/(.+)\/([a-z]*)$/.exec(value);
  if (!match) return value;
  try {
    return new RegExp(match[1], match[2]);
  } catch (error) {
    throw new UsageError(`--fail-path: ${value} is not a valid regular expression (${(error as Error).message})`);
  }
}

function latency(value: string | undefined): FaultOptions["latencyMs"] {
  if (value === undefined) return undefined;
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  return number("latency-ms", value);
}

/** Parse argv into emulator options; undefined means `--help` was asked for. */
export function optionsFromArgs(argv: string[]): (EmulatorOptions & { quiet: boolean }) | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        region: { type: "string" },
        "project-id": { type: "string" },
        "access-key": { type: "string" },
        "secret-key": { type: "string" },
        semantics: { type: "string" },
        "ready-delay-ms": { type: "string" },
        "fail-path": { type: "string", multiple: true },
        "missing-objects": { type: "string" },
        throttle: { type: "string" },
        "retry-after": { type: "string" },
        "fault-seed": { type: "string" },
        "rate-429": { type: "string" },
        "rate-500": { type: "string" },
        "rate-503": { type: "string" },
        "rate-drop": { type: "string" },
        "latency-ms": { type: "string" },
        "state-file": { type: "string" },
        "token-lifetime": { type: "string" },
        "lockout-after": { type: "string" },
        "obs-bucket": { type: "string", multiple: true },
        "obs-dir": { type: "string" },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const semantics = values.semantics;
  if (semantics !== undefined && semantics !== "overwrite" && semantics !== "merge") {
    throw new UsageError(`--semantics: ${JSON.stringify(semantics)} — use overwrite or merge`);
  }
  const missingObjects = values["missing-objects"];
  if (missingObjects !== undefined && missingObjects !== "failed" && missingObjects !== "error") {
    throw new UsageError(`--missing-objects: ${JSON.stringify(missingObjects)} — use failed or error`);
  }
  const projectId = values["project-id"];
  if (projectId !== undefined && !/^[0-9a-f]{32}$/.test(projectId)) throw new UsageError(`--project-id: ${projectId} must be 32 lower-case hex characters`);
  const faults: FaultOptions = {
    seed: number("fault-seed", values["fault-seed"]),
    rate429: number("rate-429", values["rate-429"], 1),
    rate500: number("rate-500", values["rate-500"], 1),
    rate503: number("rate-503", values["rate-503"], 1),
    rateDrop: number("rate-drop", values["rate-drop"], 1),
    latencyMs: latency(values["latency-ms"]),
  };
  return {
    port: number("port", values.port, 65535) ?? 0,
    host: values.host,
    region: values.region,
    projectId,
    accessKey: values["access-key"],
    secretKey: values["secret-key"],
    uploadSemantics: semantics,
    readyDelayMs: number("ready-delay-ms", values["ready-delay-ms"]),
    failPaths: (values["fail-path"] ?? []).map(failPattern),
    missingObjects,
    throttlePerSecond: number("throttle", values.throttle),
    retryAfterSeconds: number("retry-after", values["retry-after"]),
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)) as FaultOptions,
    stateFile: values["state-file"],
    tokenLifetimeSeconds: number("token-lifetime", values["token-lifetime"]),
    lockoutAfterFailures: number("lockout-after", values["lockout-after"]),
    obsBuckets: values["obs-bucket"],
    obsDir: values["obs-dir"],
    quiet: values.quiet,
  };
}

/** `export KEY=value` lines; values single-quoted when they hold shell-special characters. */
export function exportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => `export ${key}=${/^[A-Za-z0-9_./:@-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}`)
    .join("\n");
}

async function main(): Promise<number> {
  let options;
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`dli-local: ${error.message}\nRun dli-local --help for the options.\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(HELP);
    return 0;
  }
  const { quiet, ...emulatorOptions } = options;
  // Listen for the signals before anything is printed: a caller may signal as soon as it has
  // read the export lines.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  let emulator;
  try {
    emulator = await startEmulator({ ...emulatorOptions, log: quiet ? undefined : (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    if (error instanceof StateFileError || (error instanceof Error && error.message.startsWith("dli-local:"))) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      process.stderr.write(`dli-local: port ${emulatorOptions.port} is in use; pick another --port or use --port 0\n`);
      return 2;
    }
    throw error;
  }
  process.stdout.write(`${exportLines(emulator.env)}\n`);
  process.stderr.write(`dli-local: listening on ${emulator.url} (DLI, IAM and OBS); Ctrl-C to stop\n`);
  const signal = await stopSignal;
  process.stderr.write(`dli-local: ${signal}, shutting down\n`);
  await emulator.close();
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`dli-local: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
