/**
 * `dli-packages staging gc <stack dirs…> --staging <prefix> [--yes] [--older-than <duration>]`:
 * staged objects are content-addressed and may be shared by groups and stacks, so destroy keeps
 * them; this lists (and with --yes deletes) the ones no scanned stack declares, like
 * `diff --orphans` does for groups, and aborts multipart uploads left stale under the prefix.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { renderName, renderValue } from "../../contract/bounded-text";
import { checkStaging, obsObjectLocation } from "../../contract/staging";
import { credentialsFromEnvironment, OBS_NEEDS_AKSK } from "../credentials";
import { TRIGGER_KEYS } from "../../contract/spec";
import { contentResources, synthFiles } from "../declared-groups";
import { obsEndpointOverride } from "../endpoints";
import { ConfigError, OperationError } from "../errors";
import { obsBucketAddress } from "../obs/obs-address";
import { ListedObject, ObsClient } from "../obs/obs-client";
import { parseDuration, stagingInventory } from "../obs/staging-inventory";
import { formatBytes } from "../obs/upload-progress";
import { createProgress } from "../progress";
import { retryBoundsFromEnvironment } from "../retry-policy";
import { createTransport } from "../transport";

/** Why 24 h: an object uploaded by an apply that has not registered its group yet, or by a
 * stack synthesized on another branch and not yet scanned, is younger than a working day of
 * pipeline runs; an older undeclared object is almost surely garbage. */
export const DEFAULT_OLDER_THAN = "24h";

export const STAGING_GC_HELP = `Usage: dli-packages staging gc <stack dir>… --staging <prefix> [--yes] [--older-than <duration>]

Lists the staged objects under <prefix> (an OBS URL prefix, as the constructs' \`staging\` prop:
https://<bucket>.obs.<region>.myhuaweicloud.com/<folder>/) that no scanned stack declares,
and the multipart uploads left unfinished under it. Staged objects are content-addressed and
may be shared by groups and stacks, so destroy never deletes them; this does, once no stack
uses them. Scan every stack that stages into the prefix (each <stack dir> is a synthesized
stack or a cdktf.out holding several).
  --staging P       the staging prefix (required)
  --yes             delete the listed objects and abort the listed uploads, then read back
                    that they are gone (without it: a dry run that changes nothing)
  --older-than D    keep objects modified and uploads started within D: 90s, 30m, 24h, 7d
                    (default ${DEFAULT_OLDER_THAN}: an apply uploads its objects before it registers them)
Only keys of the form <prefix><sha256>/<name> are considered; any other key under the prefix
is never touched. Credentials: AK/SK or temporary AK/SK as for upload-group (OBS does not take
an IAM token); HW_OBS_ENDPOINT overrides the endpoint (https, or http on loopback).
Exit codes: 0 listed (dry run) or removed and read back, 1 an OBS call failed, 2 usage.`;

export interface StagingGcOptions {
  /** The staging prefix URL. */
  readonly staging?: string;
  /** Delete instead of listing. @default false */
  readonly yes?: boolean;
  /** Guard for recent uploads. @default "24h" */
  readonly olderThan?: string;
}

export async function stagingGc(env: NodeJS.ProcessEnv, dirs: readonly string[], options: StagingGcOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  // Everything is checked before any request.
  if (options.staging === undefined) throw new ConfigError(`staging gc: --staging <prefix> is required (the staging prefix of the constructs, https://<bucket>.obs.<region>.myhuaweicloud.com/<folder>/)`);
  const problem = checkStaging(options.staging)[0];
  if (problem) throw new ConfigError(`staging gc: --staging ${renderValue(options.staging)} — ${problem.rule}`);
  if (dirs.length === 0) throw new ConfigError(`staging gc: name at least one synthesized stack directory (cdktf.out/stacks/<stack>, or cdktf.out): objects no scanned stack declares are the ones removed`);
  const olderThanText = options.olderThan ?? DEFAULT_OLDER_THAN;
  const olderThanMs = parseDuration(olderThanText);
  if (olderThanMs === undefined) throw new ConfigError(`staging gc: --older-than ${renderValue(olderThanText)} — a whole number and a unit s, m, h or d (90s, 30m, 24h, 7d), at most 3650d`);
  const location = obsObjectLocation(options.staging)!;
  const declaredKeys = declaredKeysOf(dirs, location.bucket);
  const credentials = credentialsFromEnvironment(env);
  if (credentials.kind === "token") throw new ConfigError(OBS_NEEDS_AKSK);
  const bounds = retryBoundsFromEnvironment(env);
  const address = obsBucketAddress(location.bucket, location.region, location.domain, obsEndpointOverride(env));

  const log = createProgress(`staging gc ${location.bucket}/${location.key}`);
  const transport = createTransport(credentials, bounds, (event) => log.step(`${event.method} ${event.path}: ${event.cause}, retry in ${(event.delayMs / 1000).toFixed(1)}s`));
  const client = new ObsClient(transport, credentials);
  try {
    const started = Date.now();
    const objects: ListedObject[] = [];
    for (let marker: string | undefined, first = true; first || marker !== undefined; first = false) {
      const page = await client.listObjectsPage(address, location.key, marker);
      objects.push(...page.objects);
      marker = page.next;
    }
    const uploads = await client.listMultipartUploads(address, location.key);
    const inventory = stagingInventory({ keyPrefix: location.key, objects, uploads, declaredKeys, keepAfterMs: started - olderThanMs });
    const url = (key: string) => `${options.staging}${key.slice(location.key.length)}`;

    const out: string[] = [];
    for (const o of inventory.orphans) out.push(`orphan ${renderName(url(o.key))} ${formatBytes(o.size)} modified ${iso(o.lastModified)}`);
    for (const u of inventory.staleUploads) out.push(`stale upload ${renderName(url(u.key))} upload id ${renderName(u.uploadId)} started ${iso(u.initiated)}`);
    const bytes = inventory.orphans.reduce((sum, o) => sum + o.size, 0);
    const kept =
      `kept: ${inventory.declared} declared, ${inventory.recent} newer than ${olderThanText}, ${inventory.activeUploads} upload${inventory.activeUploads === 1 ? "" : "s"} newer than ${olderThanText}; ` +
      `${inventory.foreign} key${inventory.foreign === 1 ? "" : "s"} not of the form <prefix><sha256>/<name> ignored`;
    const found = `${inventory.orphans.length} orphaned object${inventory.orphans.length === 1 ? "" : "s"} (${formatBytes(bytes)}), ${inventory.staleUploads.length} stale multipart upload${inventory.staleUploads.length === 1 ? "" : "s"}`;
    if (!options.yes) {
      out.push(`${found}; ${kept}`);
      if (inventory.orphans.length + inventory.staleUploads.length > 0) out.push(`dry run: nothing deleted; run again with --yes to delete them`);
      write(out.map((line) => `${line}\n`).join(""));
      return 0;
    }
    write(out.map((line) => `${line}\n`).join(""));
    for (const o of inventory.orphans) await client.deleteObject(address, o.key);
    for (const u of inventory.staleUploads) await client.abortMultipartUpload(address, u.key, u.uploadId);
    // Read back: every deleted object absent, every aborted upload gone.
    for (const o of inventory.orphans) {
      if (await client.headObject(address, o.key)) throw new OperationError(`staging gc: ${renderName(url(o.key))} is still there after DELETE; another writer may have uploaded it again: run gc again`);
    }
    if (inventory.staleUploads.length > 0) {
      const left = new Set((await client.listMultipartUploads(address, location.key)).map((u) => u.uploadId));
      const still = inventory.staleUploads.filter((u) => left.has(u.uploadId));
      if (still.length > 0) throw new OperationError(`staging gc: ${still.length} multipart upload(s) still listed after abort (e.g. ${renderName(still[0].uploadId)}): run gc again`);
    }
    write(`deleted ${found}, read back: gone; ${kept}\n`);
    return 0;
  } finally {
    await transport.close();
  }
}

/**
 * The object keys in `bucket` that the stacks under `dirs` declare: every path of every content
 * resource of every cdk.tf.json (the staged objects are among the paths). Only the paths are
 * read, so a group whose project id or endpoint is a Terraform reference still counts; a path
 * that is one cannot be known, and gc refuses rather than guess.
 */
function declaredKeysOf(dirs: readonly string[], bucket: string): Set<string> {
  const keys = new Set<string>();
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`staging gc: ${renderValue(dir)} is not a directory (pass synthesized stacks: cdktf.out/stacks/<stack>, or cdktf.out)`);
    const files = synthFiles(dir);
    if (files.length === 0) throw new ConfigError(`staging gc: no cdk.tf.json under ${renderValue(dir)} (run synth first); gc only deletes what the scanned stacks do not declare`);
    for (const file of files) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        throw new ConfigError(`staging gc: ${renderValue(file)} is not readable JSON (${(error as NodeJS.ErrnoException).code ?? "syntax error"}); run synth again`);
      }
      for (const { address, triggers } of contentResources(json)) {
        const where = `${renderName(address)} in ${renderValue(file)}`;
        let paths: unknown;
        try {
          paths = JSON.parse(String(triggers[TRIGGER_KEYS.paths]));
        } catch {
          paths = undefined;
        }
        if (!Array.isArray(paths) || paths.some((p) => typeof p !== "string")) throw new ConfigError(`staging gc: the paths of ${where} are not a JSON list of URLs; run synth again`);
        for (const path of paths as string[]) {
          if (path.includes("${")) throw new ConfigError(`staging gc: ${where} has a path only known at apply time (${renderValue(path)}); gc cannot tell which objects it uses`);
          const location = obsObjectLocation(path);
          if (location && location.bucket === bucket) keys.add(location.key);
        }
      }
    }
  }
  return keys;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "(unknown)";
}
