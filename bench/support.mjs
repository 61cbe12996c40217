// Shared by the bench/*.bench.mjs files that drive the built package: where it is, and how to
// run the bundled runtime the way a provisioner does (a child process with only PATH and the
// given environment). Needs `npm run build` (uses dist/).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const RUNTIME_BUNDLE = join(ROOT, "dist", "runtime", "dli-packages.js");

/** The built emulator module (`startEmulator`, …). */
export function emulatorModule() {
  return createRequire(import.meta.url)(join(ROOT, "dist", "lib", "emulator", "index.js"));
}

/** `node <args>` with `{ PATH, ...env }`; resolves with the exit code, stderr and wall time in ms. */
export function runNode(args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

/** The built contract (`specToTriggers`, `terraformJsonEncode`, …): what the synthesized stacks use. */
function contractModule() {
  const require = createRequire(import.meta.url);
  return { ...require(join(ROOT, "dist", "lib", "contract", "index.js")), ...require(join(ROOT, "dist", "lib", "contract", "terraform-json.js")) };
}

/**
 * The environment a synthesized provisioner gets: the resource's trigger map as Terraform's
 * `jsonencode` gives it, in DLI_PACKAGES_SPEC; `fields` picks the map (the content resource's
 * by default).
 */
function triggerEnvironment({ group, paths, kind, waitTimeoutSeconds }, fields) {
  const { SPEC_FIELDS, SPEC_SCHEMA_VERSION, specToTriggers, terraformJsonEncode } = contractModule();
  const spec = { schemaVersion: SPEC_SCHEMA_VERSION, kind, group, paths, region: "cn-north-4", waitTimeoutSeconds, removalPolicy: "destroy" };
  return { DLI_PACKAGES_SPEC: terraformJsonEncode(specToTriggers(spec, fields ?? SPEC_FIELDS)) };
}

/** The environment of a content resource's upload-group. */
export function specEnvironment({ group, paths, kind = "jar", waitTimeoutSeconds = 60 }) {
  return triggerEnvironment({ group, paths, kind, waitTimeoutSeconds });
}

/** The environment of the identity's destroy-time delete-group: the identity triggers only. */
export function identitySpecEnvironment({ group, kind = "jar" }) {
  return triggerEnvironment({ group, paths: [], kind, waitTimeoutSeconds: 60 }, contractModule().IDENTITY_FIELDS);
}
