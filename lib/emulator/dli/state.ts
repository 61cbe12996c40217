/**
 * The emulated DLI state, separate from HTTP (LocalStack's "models"): package groups per project,
 * and the operations that change them. Every change is one synchronous step, so a group upload
 * is atomic: concurrent uploads to one group each replace it whole, never leaving a mixture.
 *
 * Package status is derived from the clock: a package is UPLOADING until `readyAt`, then READY,
 * or FAILED when its object was configured missing (dli-api.md §1.7).
 */

export type PackageStatus = "UPLOADING" | "READY" | "FAILED";
export type PackageKind = "jar" | "pyFile" | "file" | "modelFile";
export const PACKAGE_KINDS: readonly PackageKind[] = ["jar", "pyFile", "file", "modelFile"];

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface StoredPackage {
  name: string;
  kind: PackageKind;
  path: string;
  underlyingName: string;
  createTime: number;
  updateTime: number;
  owner: string;
  isAsync: boolean;
  tags: Tag[];
  /** Epoch ms from which the package is READY (or FAILED). */
  readyAt: number;
  /** The object was configured missing: the package ends FAILED. */
  fails: boolean;
}

export interface StoredGroup {
  name: string;
  owner: string;
  createTime: number;
  updateTime: number;
  isAsync: boolean;
  packages: StoredPackage[];
}

/** The persisted form (see persistence.ts). */
export interface StateData {
  readonly version: 1;
  readonly projects: Record<string, StoredGroup[]>;
}

/** A state snapshot entry, as `groups()` returns it. */
export interface EmulatedGroup {
  readonly projectId: string;
  readonly group: string;
  readonly status: PackageStatus;
  readonly owner: string;
  readonly packages: readonly EmulatedPackage[];
}

export interface EmulatedPackage {
  readonly name: string;
  readonly kind: PackageKind;
  readonly status: PackageStatus;
  readonly path: string;
  readonly owner: string;
}

export interface UploadInput {
  readonly projectId: string;
  readonly group: string;
  readonly kind: PackageKind;
  /** Already validated: one entry per package, unique names. */
  readonly packages: readonly { readonly name: string; readonly path: string; readonly fails: boolean }[];
  readonly isAsync: boolean;
  readonly tags: readonly Tag[];
  readonly owner: string;
  readonly now: number;
  readonly readyDelayMs: number;
  readonly semantics: "overwrite" | "merge";
}

export function packageStatus(pkg: StoredPackage, now: number): PackageStatus {
  if (now < pkg.readyAt) return "UPLOADING";
  return pkg.fails ? "FAILED" : "READY";
}

export function groupStatus(group: StoredGroup, now: number): PackageStatus {
  const statuses = group.packages.map((p) => packageStatus(p, now));
  if (statuses.includes("FAILED")) return "FAILED";
  if (statuses.includes("UPLOADING")) return "UPLOADING";
  return "READY";
}

export class EmulatorState {
  private projects = new Map<string, Map<string, StoredGroup>>();

  /** @param onChange called after every change (persistence hooks in here). */
  constructor(private readonly onChange: (state: EmulatorState) => void = () => undefined) {}

  /** Upload a group (dli-api.md §1.1/§1.2): overwrite replaces it whole, merge adds/replaces by name. */
  upload(input: UploadInput): StoredGroup {
    const groups = this.groupsOf(input.projectId, true)!;
    const existing = groups.get(input.group);
    const fresh: StoredPackage[] = input.packages.map((p) => ({
      name: p.name,
      kind: input.kind,
      path: p.path,
      underlyingName: p.name,
      createTime: input.now,
      updateTime: input.now,
      owner: input.owner,
      isAsync: input.isAsync,
      tags: [...input.tags],
      readyAt: input.now + input.readyDelayMs,
      fails: p.fails,
    }));
    let packages = fresh;
    if (existing && input.semantics === "merge") {
      const replaced = new Set(fresh.map((p) => p.name));
      packages = [...existing.packages.filter((p) => !replaced.has(p.name)), ...fresh];
    }
    // A new object, swapped in in one assignment: readers see the old group or the new one.
    const group: StoredGroup = {
      name: input.group,
      owner: existing?.owner ?? input.owner,
      createTime: existing?.createTime ?? input.now,
      updateTime: input.now,
      isAsync: input.isAsync,
      packages,
    };
    groups.set(input.group, group);
    this.onChange(this);
    return group;
  }

  listGroups(projectId: string): readonly StoredGroup[] {
    return [...(this.groupsOf(projectId)?.values() ?? [])];
  }

  getGroup(projectId: string, group: string): StoredGroup | undefined {
    return this.groupsOf(projectId)?.get(group);
  }

  /** Packages named `name`, in `group` when given, else in every group. */
  findPackages(projectId: string, name: string, group?: string): { group: StoredGroup; pkg: StoredPackage }[] {
    const found: { group: StoredGroup; pkg: StoredPackage }[] = [];
    for (const candidate of this.listGroups(projectId)) {
      if (group !== undefined && candidate.name !== group) continue;
      const pkg = candidate.packages.find((p) => p.name === name);
      if (pkg) found.push({ group: candidate, pkg });
    }
    return found;
  }

  /** Remove one package; the group goes with its last package unless `keepEmptyGroups`. */
  deletePackage(projectId: string, group: string, name: string, now: number, keepEmptyGroups: boolean): boolean {
    const groups = this.groupsOf(projectId);
    const existing = groups?.get(group);
    if (!groups || !existing || !existing.packages.some((p) => p.name === name)) return false;
    const packages = existing.packages.filter((p) => p.name !== name);
    if (packages.length === 0 && !keepEmptyGroups) groups.delete(group);
    else groups.set(group, { ...existing, packages, updateTime: now });
    this.onChange(this);
    return true;
  }

  /** Change the owner of a group, or of one package in it (dli-api.md §1.6). */
  setOwner(projectId: string, group: string, name: string | undefined, owner: string, now: number): boolean {
    const groups = this.groupsOf(projectId);
    const existing = groups?.get(group);
    if (!groups || !existing) return false;
    if (name === undefined) {
      groups.set(group, { ...existing, owner, updateTime: now });
    } else {
      if (!existing.packages.some((p) => p.name === name)) return false;
      const packages = existing.packages.map((p) => (p.name === name ? { ...p, owner, updateTime: now } : p));
      groups.set(group, { ...existing, packages, updateTime: now });
    }
    this.onChange(this);
    return true;
  }

  snapshot(now: number): EmulatedGroup[] {
    const result: EmulatedGroup[] = [];
    for (const [projectId, groups] of this.projects) {
      for (const group of groups.values()) {
        result.push({
          projectId,
          group: group.name,
          status: groupStatus(group, now),
          owner: group.owner,
          packages: group.packages.map((p) => ({ name: p.name, kind: p.kind, status: packageStatus(p, now), path: p.path, owner: p.owner })),
        });
      }
    }
    return result;
  }

  clear(): void {
    this.projects = new Map();
    this.onChange(this);
  }

  toData(): StateData {
    const projects: Record<string, StoredGroup[]> = {};
    for (const [projectId, groups] of this.projects) if (groups.size > 0) projects[projectId] = [...groups.values()];
    return { version: 1, projects };
  }

  /** Replace the state with persisted data (already validated by persistence.ts). */
  load(data: StateData): void {
    this.projects = new Map(
      Object.entries(data.projects).map(([projectId, groups]) => [projectId, new Map(groups.map((g) => [g.name, g]))]),
    );
  }

  private groupsOf(projectId: string, create = false): Map<string, StoredGroup> | undefined {
    let groups = this.projects.get(projectId);
    if (!groups && create) {
      groups = new Map();
      this.projects.set(projectId, groups);
    }
    return groups;
  }
}
