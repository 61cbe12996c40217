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

/**
 * The environment a synthesized upload-group provisioner gets: the content resource's trigger map
 * as `jsonencode` gives it, in DLI_PACKAGES_SPEC (keys sorted; these values need no escaping).
 */
export function specEnvironment({ group, paths, kind = "jar", waitTimeoutSeconds = 60 }) {
  return { DLI_PACKAGES_SPEC: JSON.stringify(contentTriggers({ group, paths, kind, waitTimeoutSeconds })) };
}

/** The environment of the identity's destroy-time delete-group: the identity triggers only. */
export function identitySpecEnvironment({ group, kind = "jar" }) {
  const { endpoint, project_id, region, spec_version } = contentTriggers({ group, paths: [], kind, waitTimeoutSeconds: 60 });
  return { DLI_PACKAGES_SPEC: JSON.stringify({ endpoint, group, kind, project_id, region, spec_version }) };
}

function contentTriggers({ group, paths, kind, waitTimeoutSeconds }) {
  return {
    endpoint: "",
    group,
    kind,
    paths: JSON.stringify(paths),
    project_id: "",
    region: "cn-north-4",
    removal_policy: "destroy",
    spec_version: "1",
    wait_timeout_seconds: String(waitTimeoutSeconds),
  };
}
