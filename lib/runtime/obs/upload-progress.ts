/**
 * Progress of one long upload as bounded lines (issue 24: bytes, rate, ETA; never a line per
 * part): at most one line every {@link PROGRESS_INTERVAL_MS}, counting bytes whose part or
 * object the service acknowledged, so a retried part is never counted twice.
 */
import { Progress } from "../progress";

/** At most one progress line per this interval. */
export const PROGRESS_INTERVAL_MS = 5_000;

export interface UploadMeter {
  /** `bytes` more are stored (a part acknowledged, or found already uploaded). */
  add(bytes: number): void;
}

export function createUploadMeter(name: string, total: number, log: Progress, now: () => number = () => Number(process.hrtime.bigint()) / 1e6, intervalMs = PROGRESS_INTERVAL_MS): UploadMeter {
  const started = now();
  let done = 0;
  let lastLine = started;
  return {
    add(bytes) {
      done += bytes;
      const at = now();
      if (at - lastLine < intervalMs || done >= total) return;
      lastLine = at;
      const seconds = (at - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const eta = rate > 0 ? Math.ceil((total - done) / rate) : undefined;
      log.step(`staging ${name}: ${formatBytes(done)} of ${formatBytes(total)} (${Math.floor((done / total) * 100)}%), ${formatBytes(rate)}/s${eta === undefined ? "" : `, about ${eta}s left`}`);
    },
  };
}

/** `300.0 MiB`, `12 KiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
