/**
 * The package groups the configuration being applied declares, as a destroy-time
 * `delete-group` sees them (docs/design-notes.md, "Handing a group over"): the content
 * resources of the stack's own `cdk.tf.json` (in the stack directory the running runtime asset
 * is in: the directory `${path.module}` names) and the groups of the App's other stacks recorded under its
 * `"//"` key. Values only known at apply time are kept as UNKNOWN_VALUE.
 */
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { renderValue } from "../contract/bounded-text";
import { CONFIGURATION_FILE, DECLARATION_ENV, OTHER_STACKS_KEY, RUNTIME_ASSET_ID, UNKNOWN_VALUE } from "../contract/declarations";
import { TRIGGER_KEYS } from "../contract/spec";
import { contentResources } from "./declared-groups";
import { ConfigError } from "./errors";

/** One package-group resource of the configuration. */
export interface Declaration {
  /** Terraform address of its content resource. */
  readonly address: string;
  /** The other stack it is in; absent for the stack being applied. */
  readonly stack?: string;
  readonly group: string;
  readonly region: string;
  /** Absent: resolved at apply time; UNKNOWN_VALUE: a Terraform reference. */
  readonly projectId?: string;
  /** Absent: the region's default (or HW_DLI_ENDPOINT); UNKNOWN_VALUE: a Terraform reference. */
  readonly endpoint?: string;
}

/** A synthesized stack far beyond any real one (1,000 groups are ~3 MB): refused, not read. */
const MAX_CONFIGURATION_BYTES = 256 * 1024 * 1024;

/**
 * The stack directory of a runtime bundle that runs from a stack's runtime asset,
 * `<stack>/assets/DliPackagesRuntime/<version>/dli-packages.js` (what every synthesized
 * provisioner runs: the directory `${path.module}` names, also under `terraform -chdir`); a
 * ConfigError that says what to do for a bundle anywhere else (a run by hand with
 * DLI_PACKAGES_DECLARED_BY set).
 */
export function stackDirectoryOf(bundle: string): string {
  const version = dirname(bundle);
  const asset = dirname(version);
  const assets = dirname(asset);
  if (basename(asset) === RUNTIME_ASSET_ID && basename(assets) === "assets") return dirname(assets);
  throw new ConfigError(
    `${DECLARATION_ENV.declaredBy} is set, which only the synthesized delete-group provisioner does, but this runtime is not the copy in a stack's assets/${RUNTIME_ASSET_ID}/<version>/ (it is ${renderValue(bundle)}): ` +
      `run terraform in the synthesized stack directory, or unset ${DECLARATION_ENV.declaredBy} to delete by hand`,
  );
}

/** Reads `<stackDir>/cdk.tf.json`; throws a ConfigError that says where and what to do. */
export function configurationDeclarations(stackDir: string): Declaration[] {
  const file = join(stackDir, CONFIGURATION_FILE);
  let json: unknown;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error("not a regular file");
    if (stat.size > MAX_CONFIGURATION_BYTES) throw new Error(`${stat.size} bytes, more than any synthesized stack`);
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    // The errno code, not the message: that repeats the (possibly hostile, uncut) path.
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(
      `cannot read the configuration ${renderValue(file)} (the stack of this runtime asset): ${reason}; ` +
        `delete-group reads it to leave a group that another resource now declares to that resource: run terraform in the synthesized stack directory (cdktf.out/stacks/<stack>) with its ${CONFIGURATION_FILE}`,
    );
  }
  return [...ownStackDeclarations(json), ...otherStackDeclarations(json)];
}

function text(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  return value.includes("${") ? UNKNOWN_VALUE : value;
}

function ownStackDeclarations(json: unknown): Declaration[] {
  return contentResources(json).map(({ address, triggers }) => ({
    address,
    group: String(triggers[TRIGGER_KEYS.group]),
    region: String(triggers[TRIGGER_KEYS.region] ?? ""),
    projectId: text(triggers[TRIGGER_KEYS.projectId]),
    endpoint: text(triggers[TRIGGER_KEYS.endpoint]),
  }));
}

function otherStackDeclarations(json: unknown): Declaration[] {
  const entries = (json as { "//"?: Record<string, unknown> } | null)?.["//"]?.[OTHER_STACKS_KEY];
  if (!Array.isArray(entries)) return [];
  return entries
    .filter((e): e is Record<string, unknown> => !!e && typeof e === "object" && typeof e.group === "string" && typeof e.address === "string")
    .map((e) => ({
      address: String(e.address),
      stack: String(e.stack ?? ""),
      group: String(e.group),
      region: String(e.region ?? ""),
      projectId: text(e.projectId),
      endpoint: text(e.endpoint),
    }));
}
