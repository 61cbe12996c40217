/**
 * Optional state file: written atomically (temp file + rename) after every change, loaded at
 * start. A file that cannot be read as emulator state is reported and never overwritten.
 */
import { existsSync, readFileSync, renameSync, writeFileSync, unlinkSync } from "node:fs";
import { PACKAGE_KINDS, StateData } from "./state";

export class StateFileError extends Error {
  constructor(file: string, problem: string) {
    super(
      `dli-local: the state file ${file} is corrupt (${problem}). It was left untouched; ` +
        `fix it, move it away, or pass another --state-file to start empty.`,
    );
    this.name = "StateFileError";
  }
}

/** Load the state file; undefined when it does not exist yet. Throws StateFileError when unusable. */
export function loadStateFile(file: string): StateData | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StateFileError(file, `not JSON: ${(error as Error).message}`);
  }
  const problem = describeProblem(parsed);
  if (problem) throw new StateFileError(file, problem);
  return parsed as StateData;
}

let sequence = 0;

/** Write the state: temp file in the same directory, then rename over the target (atomic on POSIX). */
export function saveStateFile(file: string, data: StateData): void {
  const temp = `${file}.${process.pid}.${++sequence}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(data));
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // the temp file was never created
    }
    throw error;
  }
}

function describeProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "top level is not an object";
  const data = value as Partial<StateData>;
  if (data.version !== 1) return `version is ${JSON.stringify(data.version)}, expected 1`;
  if (typeof data.projects !== "object" || data.projects === null) return "`projects` is not an object";
  for (const [projectId, groups] of Object.entries(data.projects)) {
    if (!Array.isArray(groups)) return `projects.${projectId} is not a list`;
    for (const [i, group] of groups.entries()) {
      const where = `projects.${projectId}[${i}]`;
      if (typeof group?.name !== "string" || !Array.isArray(group.packages)) return `${where} lacks name or packages`;
      for (const [j, pkg] of group.packages.entries()) {
        if (typeof pkg?.name !== "string" || typeof pkg.path !== "string" || typeof pkg.readyAt !== "number" || !PACKAGE_KINDS.includes(pkg.kind)) {
          return `${where}.packages[${j}] lacks name, path, kind or readyAt`;
        }
      }
    }
  }
  return undefined;
}
