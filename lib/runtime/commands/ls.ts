/** `dli-packages ls [--group G] [--kind K] [--json]`: what is live, as a table or JSON. */
import { renderName } from "../../contract/bounded-text";
import { PACKAGE_KINDS, PackageKind } from "../../contract/spec";
import { LiveGroup } from "../dli-client";
import { regionFromEnvironment } from "../endpoints";
import { ConfigError } from "../errors";
import { silentProgress } from "../progress";
import { openSession } from "../session";

export const LS_HELP = `Usage: dli-packages ls [--group G] [--kind K] [--json]

Lists the DLI package groups of the project with their packages and statuses.
  --group G   only group G
  --kind K    only packages of kind K (${PACKAGE_KINDS.join(", ")})
  --json      JSON on stdout instead of a table

Region from HW_REGION_NAME, endpoint from HW_DLI_ENDPOINT (default from the region), project
from HW_PROJECT_ID (else IAM), credentials as for upload-group.
Exit codes: 0 done, 1 failed, 2 usage or configuration.`;

export interface LsOptions {
  readonly group?: string;
  readonly kind?: string;
  readonly json?: boolean;
}

export async function ls(env: NodeJS.ProcessEnv, options: LsOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  if (options.kind !== undefined && !PACKAGE_KINDS.includes(options.kind as PackageKind)) {
    throw new ConfigError(`--kind: ${JSON.stringify(options.kind)} must be one of ${PACKAGE_KINDS.join(", ")}`);
  }
  const region = regionFromEnvironment(env);
  const session = await openSession({ region, env, progress: silentProgress });
  try {
    let groups = await session.client.listGroups(options.kind as PackageKind | undefined);
    if (options.group !== undefined) groups = groups.filter((g) => g.name === options.group);
    write(options.json ? JSON.stringify(toJson(groups, region, session.client.projectId), null, 2) + "\n" : table(groups));
  } finally {
    await session.close();
  }
}

function toJson(groups: readonly LiveGroup[], region: string, projectId: string) {
  return {
    region,
    projectId,
    groups: groups.map((g) => ({ group: g.name, status: g.status ?? null, packages: g.packages.map((p) => ({ name: p.name, kind: p.type ?? null, status: p.status })) })),
  };
}

function table(groups: readonly LiveGroup[]): string {
  if (groups.length === 0) return "no package groups\n";
  const rows = [["GROUP", "PACKAGE", "KIND", "STATUS"]];
  // Cells come from the listing: control characters escaped and long values cut, one row per line.
  for (const g of groups) for (const p of g.packages) rows.push([g.name, p.name, p.type ?? "-", p.status].map((cell) => renderName(cell)));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ")).join("\n") + "\n";
}
