/**
 * Stacks with staged files for the runtime tests: a temporary stack directory holding each file
 * where synth puts it (`assets/DliPackagesFile-<name>/<sha256>/<name>`), the spec the
 * provisioner would pass (`DLI_PACKAGES_SPEC` = the trigger map as JSON), and signed reads of
 * the emulated bucket with the runtime's own OBS signer (the emulator verifies it).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PackageGroupSpec, SPEC_VARIABLE, specToTriggers, StagedFile } from "../../../lib/contract/spec";
import { stagedObjectUrl } from "../../../lib/contract/staging";
import { obsAuthorization } from "../../../lib/runtime/signer/obs";
import { ACCESS_KEY, CANARY, FAST_RETRIES } from "./run-cli";

export const STAGING_BUCKET = "staging-bucket";
export const STAGING = `https://${STAGING_BUCKET}.obs.cn-north-4.myhuaweicloud.com/dli-staging/`;

export interface LocalFileInput {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface StagedStack {
  readonly dir: string;
  readonly files: StagedFile[];
}

/** `size` random bytes (incompressible, so sizes are real on the wire). */
export function randomFile(name: string, size: number): LocalFileInput {
  return { name, bytes: randomBytes(size) };
}

export function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A stack directory with the files as synth lays them out, and their staged-file entries. */
export function makeStack(inputs: readonly LocalFileInput[], staging = STAGING): StagedStack {
  const dir = mkdtempSync(join(tmpdir(), "dli-staging-"));
  const files = inputs.map(({ name, bytes }) => {
    const sha256 = sha256Of(bytes);
    const source = `assets/DliPackagesFile-${name}/${sha256}/${name}`;
    mkdirSync(join(dir, source, ".."), { recursive: true });
    writeFileSync(join(dir, source), bytes);
    return { source, objectUrl: stagedObjectUrl(staging, sha256, name), size: bytes.length, sha256 };
  });
  return { dir, files };
}

/** The spec of a group holding the staged files (and `paths` before them), as the provisioner passes it. */
export function stagedSpecEnv(files: readonly StagedFile[], options: { group?: string; paths?: readonly string[]; kind?: PackageGroupSpec["kind"] } = {}): Record<string, string> {
  const spec: PackageGroupSpec = {
    schemaVersion: "1",
    kind: options.kind ?? "jar",
    group: options.group ?? "staged",
    paths: [...(options.paths ?? []), ...files.map((f) => f.objectUrl)],
    region: "cn-north-4",
    waitTimeoutSeconds: 30,
    removalPolicy: "destroy",
    files: [...files],
  };
  return { [SPEC_VARIABLE]: JSON.stringify(specToTriggers(spec)) };
}

/** Emulator env + fast retries + small multipart settings + the spec. */
export function stagingEnv(emulatorEnv: Record<string, string>, files: readonly StagedFile[], extra: Record<string, string | undefined> = {}, options: Parameters<typeof stagedSpecEnv>[1] = {}): Record<string, string | undefined> {
  return { ...emulatorEnv, ...FAST_RETRIES, ...stagedSpecEnv(files, options), ...extra };
}

/** The key of a staged object URL under the bucket. */
export function keyOf(objectUrl: string): string {
  return decodeURIComponent(new URL(objectUrl).pathname.slice(1));
}

/** GET an object from the emulated OBS (path-style), signed with the runtime's OBS signer. */
export function getObject(endpoint: string, bucket: string, key: string): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  const headers: Record<string, string> = { date: new Date().toUTCString() };
  headers.authorization = obsAuthorization(ACCESS_KEY, CANARY.secretKey, { method: "GET", bucket, key, headers });
  const url = new URL(endpoint);
  const path = `/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, path, method: "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

