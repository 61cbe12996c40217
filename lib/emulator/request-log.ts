/** The request log tests read to count API calls (`requests()`, `GET /__emulator/requests`). */

export interface RequestLogEntry {
  readonly method: string;
  /** Path as sent, without the query. */
  readonly path: string;
  /** Raw query string without `?` (empty when none). */
  readonly query: string;
  /** HTTP status answered; 0 when no answer went out (dropped by fault injection, client gone). */
  readonly status: number;
  readonly durationMs: number;
  /** ISO time the request arrived (wall clock, not the injected one). */
  readonly at: string;
  /** API name of the matched route (e.g. `UploadFileJobResources`); absent for unknown routes. */
  readonly api?: string;
  readonly requestId: string;
  /** The injected fault, when one was. */
  readonly fault?: string;
  /** Who sent it, once authenticated: the AK of a signed request, the user of an X-Auth-Token. */
  readonly caller?: string;
}

/** Bounded so that a long-running CLI does not grow without limit. */
const MAX_ENTRIES = 100_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  constructor(private readonly sink?: (line: string) => void) {}

  add(entry: RequestLogEntry): void {
    if (this.entries.length >= MAX_ENTRIES) this.entries.splice(0, MAX_ENTRIES / 10);
    this.entries.push(entry);
    if (this.sink) {
      const query = entry.query ? `?${entry.query}` : "";
      this.sink(
        `${entry.at} ${entry.method} ${entry.path}${query} ${entry.status} ${entry.durationMs.toFixed(1)}ms ${entry.api ?? "-"} ${entry.requestId}${entry.caller ? ` caller=${entry.caller}` : ""}${entry.fault ? ` fault=${entry.fault}` : ""}`,
      );
    }
  }

  note(line: string): void {
    this.sink?.(line);
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
