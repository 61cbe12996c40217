/**
 * `cdktf-dli-packages/emulator`: dli-local, a local DLI + IAM emulator that checks
 * SDK-HMAC-SHA256 signatures, keeps state and injects faults (design.md §6), and serves OBS for
 * the buckets it is told about (`obsBuckets`, docs/emulator.md "OBS").
 *
 * @example
 * const emulator = await startEmulator({ port: 0 });
 * Object.assign(process.env, emulator.env);
 * // … run code against it, then:
 * expect(emulator.requests().filter((r) => r.method === "POST")).toHaveLength(1);
 * await emulator.close();
 *
 * Tests that block their event loop (`execFileSync("terraform", ["apply", …])`) start it with
 * `process: "child"`: same handle, served from a child process.
 */
export { startEmulator, configFromJson } from "./server";
export type { RunningEmulator } from "./server";
export type { RunningChildEmulator } from "./child-emulator";
export type { EmulatorOptions, RuntimeOptions, UploadSemantics, ProjectOptions, CredentialOptions, UserOptions } from "./options";
export { DEFAULTS as EMULATOR_DEFAULTS } from "./options";
export type { FaultOptions, FaultRates } from "./faults";
export type { RequestLogEntry } from "./request-log";
export type { EmulatedGroup, EmulatedPackage, PackageStatus, PackageKind } from "./dli/state";
export { StateFileError } from "./dli/persistence";
export { verifySignature } from "./verify-signature";
export type { VerifiableRequest, VerifyResult, VerifyOptions } from "./verify-signature";
export { API_NAMES } from "./routes";
export { OBS_API_NAMES } from "./obs/routes";
