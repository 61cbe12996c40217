/**
 * Entry of the child-process emulator (`startEmulator({ process: "child" })`, see
 * child-emulator.ts). Receives its options over the IPC channel (never argv), starts the
 * emulator, answers `{ ready: { url, env } }`, forwards request-log lines when asked, and ends
 * when its parent goes away (IPC disconnect, which also happens when the parent is SIGKILLed)
 * or on SIGTERM/SIGINT.
 */
import { EmulatorOptions } from "./options";
import { configFromJson, RunningEmulator, startEmulator } from "./server";

/** The first IPC message: the options, JSON-safe (RegExp fail paths as `{regexp, flags}`). */
export interface ChildStartMessage {
  readonly start: Record<string, unknown>;
  /** Whether to send `{ log: line }` for each request-log line. */
  readonly forwardLog: boolean;
}

export type ChildMessage = { ready: { url: string; env: Record<string, string> } } | { failed: string } | { log: string };

function send(message: ChildMessage): void {
  process.send?.(message);
}

let emulator: RunningEmulator | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await emulator?.close();
  process.exit(0);
}

if (require.main === module) {
  if (!process.send) {
    process.stderr.write("dli-local child: start me through startEmulator({ process: \"child\" }) (needs an IPC channel)\n");
    process.exit(2);
  }
  process.on("disconnect", () => void stop());
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  process.once("message", (message: ChildStartMessage) => {
    const options = { ...(configFromJson(message.start) as EmulatorOptions), process: "in-process" as const };
    startEmulator({ ...options, log: message.forwardLog ? (line) => send({ log: line }) : undefined }).then(
      (started) => {
        emulator = started;
        send({ ready: { url: started.url, env: started.env } });
      },
      (error: Error) => {
        send({ failed: error.message });
        process.exit(2);
      },
    );
  });
}
