/**
 * One line per step, with the time since the command started, written to stderr so that
 * `ls --json` keeps stdout clean. Terraform prints provisioner output line by line in CI logs:
 * `dli-packages: [0.4s] upload-group file group=gatk: upload sent (2 packages)`.
 */
import { boundedLine } from "../contract/bounded-text";

export interface Progress {
  step(message: string): void;
}

export function createProgress(context: string, write: (line: string) => void = (line) => process.stderr.write(line), now: () => number = monotonicMs): Progress {
  const started = now();
  return {
    step(message: string) {
      const seconds = ((now() - started) / 1000).toFixed(1);
      // Bounded and escaped: a hostile name can neither flood the log nor start a new line.
      write(`${boundedLine(`dli-packages: [${seconds}s] ${context}: ${message}`)}\n`);
    },
  };
}

/** Milliseconds on a monotonic clock (the global `performance` would load perf_hooks at start-up). */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** For commands whose stdout is the product (ls, diff): no step lines. */
export const silentProgress: Progress = { step() {} };
