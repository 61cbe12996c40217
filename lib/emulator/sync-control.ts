/**
 * Synchronous HTTP calls to a child emulator's `/__emulator/` control routes, so that the
 * child-process handle keeps the same synchronous methods as the in-process one
 * (`requests()`, `groups()`, `reset()`…): a worker thread sends the request on its own event
 * loop while the calling thread waits on an `Atomics.wait`, the reply comes back through
 * `receiveMessageOnPort`. One worker per handle, unref'd; about a millisecond per call.
 */
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";

/** The answer of one control call. */
export interface ControlReply {
  readonly status: number;
  readonly text: string;
}

// Plain CommonJS evaluated in the worker (`eval: true`), so it runs the same from lib/ (ts-jest)
// and from dist/.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { request } = require("node:http");
const { port, signal, timeoutMs } = workerData;
const flag = new Int32Array(signal);
port.on("message", ({ method, url, body }) => {
  let done = false;
  const finish = (reply) => {
    if (done) return;
    done = true;
    port.postMessage(reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const headers = body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
  const req = request(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (chunk) => (text += chunk));
    res.on("end", () => finish({ status: res.statusCode, text }));
    res.on("error", (error) => finish({ error: error.message }));
  });
  req.on("timeout", () => req.destroy(new Error("no answer within " + timeoutMs + " ms")));
  req.on("error", (error) => finish({ error: error.code || error.message }));
  req.end(body);
});
`;

export class SyncControlClient {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    this.flag = new Int32Array(signal);
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, signal, timeoutMs }, transferList: [port2] });
    this.worker.unref();
  }

  /** Send `method path` (JSON `body` when given) and wait for the answer; throws when there is none. */
  call(method: string, path: string, body?: unknown): ControlReply {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ method, url: `${this.baseUrl}${path}`, body: body === undefined ? undefined : JSON.stringify(body) });
    // The worker's own timeout answers first; this bound only catches a worker that died.
    const waited = Atomics.wait(this.flag, 0, 0, this.timeoutMs + 5_000);
    const reply = receiveMessageOnPort(this.port)?.message as (ControlReply & { error?: string }) | undefined;
    if (waited === "timed-out" || !reply) throw new Error(`dli-local: ${method} ${path}: no answer from the control worker`);
    if (reply.error !== undefined) throw new Error(`dli-local: ${method} ${this.baseUrl}${path} failed: ${reply.error}; is the emulator closed?`);
    return reply;
  }

  close(): Promise<number> {
    this.port.close();
    return this.worker.terminate();
  }
}
