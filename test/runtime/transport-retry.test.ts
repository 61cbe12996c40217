/**
 * Exact retry sequences, pinned against a scripted HTTP server on loopback under the real
 * transport (the emulator covers whole flows): every attempt is re-signed with a fresh
 * X-Sdk-Date, the body is re-sent, POST is retried, a 4xx is not. Jitter is pinned to 0.
 */
import { createServer, IncomingHttpHeaders, Server } from "node:http";
import { AddressInfo, createServer as netServer } from "node:net";
import { verifySignature } from "../../lib/emulator";
import { credentialsFromEnvironment } from "../../lib/runtime/credentials";
import { DEFAULT_PACER_SETTINGS, Pacer } from "../../lib/runtime/pacer";
import { DEFAULT_RETRY_BOUNDS } from "../../lib/runtime/retry-policy";
import { createTransport, errorFromResponse, jsonObject, RetryListener } from "../../lib/runtime/transport";

const SK = "transport-test-sk";
const bounds = { ...DEFAULT_RETRY_BOUNDS, maxAttempts: 4, baseMs: 1, maxDelayMs: 2 };

type Reply = { statusCode: number; data: string; responseOptions?: { headers?: Record<string, string> } };
type Script = { path: string; method: string; reply: (request: { headers: IncomingHttpHeaders; body: string; path: string }) => Reply; times: number };

/** A loopback server answering each request from the first script entry with times left for its method and path. */
class ScriptedServer {
  readonly scripts: Script[] = [];
  readonly server: Server;
  origin = "";
  constructor() {
    this.server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        const script = this.scripts.find((s) => s.method === req.method && s.path === req.url && s.times > 0);
        if (!script) {
          res.writeHead(599).end("no script");
          return;
        }
        script.times--;
        const reply = script.reply({ headers: req.headers, body, path: req.url! });
        res.writeHead(reply.statusCode, reply.responseOptions?.headers ?? {}).end(reply.data);
      });
    });
  }
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  /** Like MockAgent's pool.intercept(...).reply(...)[.times(n)]. */
  intercept({ path, method }: { path: string; method: string }) {
    return {
      reply: (reply: Script["reply"] | number, data?: string, options?: Reply["responseOptions"]) => {
        const script: Script = {
          path,
          method,
          times: 1,
          reply: typeof reply === "function" ? reply : () => ({ statusCode: reply, data: data ?? "", responseOptions: options }),
        };
        this.scripts.push(script);
        return { times: (n: number) => void (script.times = n) };
      },
    };
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let server: ScriptedServer;
let ORIGIN: string;
beforeEach(async () => {
  server = new ScriptedServer();
  await server.listen();
  ORIGIN = server.origin;
});
afterEach(() => server.close());

function setUp(retryBounds = bounds) {
  const seen: { headers: Record<string, string>; body: string; path: string }[] = [];
  let minute = 0;
  const clock = () => new Date(Date.UTC(2026, 0, 1, 0, minute++, 0));
  const transport = createTransport(credentialsFromEnvironment({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: SK }), retryBounds, undefined, { clock, random: () => 0 });
  const record = (status: number, body: unknown, headers: Record<string, string> = {}) => (request: { headers: IncomingHttpHeaders; body: string; path: string }): Reply => {
    seen.push({ headers: { ...(request.headers as Record<string, string>) }, body: request.body, path: request.path });
    return { statusCode: status, data: JSON.stringify(body), responseOptions: { headers: { "x-request-id": `req-${seen.length}`, ...headers } } };
  };
  return { seen, transport, record, pool: server };
}

test("503, 429, then 201: three attempts, each freshly signed, same body, POST retried", async () => {
  const { seen, transport, record, pool } = setUp();
  const path = "/v2.0/p/resources/jars";
  pool.intercept({ path, method: "POST" }).reply(record(503, { error_code: "DLI.0999", error_msg: "busy" }));
  pool.intercept({ path, method: "POST" }).reply(record(429, { error_code: "APIGW.0308", error_msg: "throttled" }));
  pool.intercept({ path, method: "POST" }).reply(record(201, { group_name: "g" }));
  const response = await transport.send(new URL(ORIGIN), { method: "POST", path, json: { paths: ["x"], group: "g" }, projectId: "p" });
  expect(response.status).toBe(201);
  expect(response.attempts).toBe(3);
  expect(response.requestId).toBe("req-3");
  expect(seen.map((s) => s.headers["x-sdk-date"])).toEqual(["20260101T000000Z", "20260101T000100Z", "20260101T000200Z"]);
  expect(new Set(seen.map((s) => s.headers.authorization)).size).toBe(3);
  // the service's logs tell the runtime's requests apart
  expect(seen.every((s) => s.headers["user-agent"].startsWith("cdktf-dli-packages-runtime/"))).toBe(true);
  for (const attempt of seen) {
    expect(attempt.body).toBe('{"paths":["x"],"group":"g"}');
    const verdict = verifySignature(
      { method: "POST", path, query: "", headers: attempt.headers, body: attempt.body },
      { secretFor: () => SK, now: Date.parse("2026-01-01T00:01:00Z"), maxClockSkewMs: 15 * 60_000 },
    );
    expect(verdict).toMatchObject({ ok: true });
  }
  await transport.close();
});

test("a 404 is answered at once: one attempt", async () => {
  const { seen, transport, record, pool } = setUp();
  pool.intercept({ path: "/v2.0/p/resources/x.jar?group=g", method: "DELETE" }).reply(record(404, { error_code: "DLI.0023", error_msg: "gone" }));
  const response = await transport.send(new URL(ORIGIN), { method: "DELETE", path: "/v2.0/p/resources/x.jar", query: { group: "g" } });
  expect(response.status).toBe(404);
  expect(seen).toHaveLength(1);
  await transport.close();
});

test("500 on every attempt: the last answer comes back after maxAttempts", async () => {
  const { seen, transport, record, pool } = setUp();
  pool.intercept({ path: "/v2.0/p/resources", method: "GET" }).reply(record(500, { error_code: "DLI.0999", error_msg: "down" })).times(10);
  const response = await transport.send(new URL(ORIGIN), { method: "GET", path: "/v2.0/p/resources" });
  expect(response.status).toBe(500);
  expect(response.attempts).toBe(4);
  expect(seen).toHaveLength(4);
  expect(JSON.parse(response.text)).toEqual({ error_code: "DLI.0999", error_msg: "down" });
  await transport.close();
});

describe("response bodies are validated: an unexpected shape is a one-line error, not a crash", () => {
  const { DliClient } = require("../../lib/runtime/dli-client") as typeof import("../../lib/runtime/dli-client");
  test.each([
    ["a list whose groups is not a list", "GET", "/v2.0/p/resources", 200, '{"groups":"nope"}', /GET \/v2\.0\/p\/resources → unexpected response: "groups" is string, expected a list · X-Request-Id req-1/],
    ["a package without status", "GET", "/v2.0/p/resources", 200, '{"groups":[{"group_name":"g","details":[{"resource_name":"a.jar"}]}]}', /group g: package a\.jar has no "status"/],
    ["an upload answered with HTML", "POST", "/v2.0/p/resources/jars", 201, "<html>gateway</html>", /HTTP 201 with a body that is not JSON/],
    ["a list answered with a JSON array", "GET", "/v2.0/p/resources", 200, "[1]", /GET \/v2\.0\/p\/resources → unexpected response: HTTP 200 with a JSON array, expected an object · X-Request-Id req-1$/],
    ["a list answered with a JSON number", "GET", "/v2.0/p/resources", 200, "42", /unexpected response: HTTP 200 with a JSON number, expected an object/],
  ])("%s", async (_name, method, path, status, body, message) => {
    const { transport, pool } = setUp();
    pool.intercept({ path, method }).reply(status, body, { headers: { "x-request-id": "req-1" } });
    const client = new DliClient(transport, new URL(ORIGIN), "p");
    const attempt = method === "GET" ? client.listGroups() : client.uploadGroup("jar", "g", ["https://b.obs.x/a.jar"]);
    await expect(attempt).rejects.toThrow(message);
    await transport.close();
  });
});

describe("throttling (issue 11 §2): a 429 is waited out, not counted, and slows the whole process", () => {
  test("six 429s then 200 with maxAttempts 4: success — 429s do not spend the attempt budget", async () => {
    const { seen, transport, record, pool } = setUp();
    pool.intercept({ path: "/v2.0/p/resources", method: "GET" }).reply(record(429, { error_code: "APIGW.0308", error_msg: "throttled" })).times(6);
    pool.intercept({ path: "/v2.0/p/resources", method: "GET" }).reply(record(200, { groups: [] }));
    const response = await transport.send(new URL(ORIGIN), { method: "GET", path: "/v2.0/p/resources" });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(7);
    expect(seen).toHaveLength(7);
    await transport.close();
  });

  test("faults still spend it: 429, 503, 429, 503, 503, 503 with maxAttempts 4 ends on the 4th 503", async () => {
    const { seen, transport, record, pool } = setUp();
    const path = "/v2.0/p/resources";
    for (const status of [429, 503, 429, 503, 503, 503, 200]) pool.intercept({ path, method: "GET" }).reply(record(status, { error_code: "X", error_msg: String(status) }));
    const response = await transport.send(new URL(ORIGIN), { method: "GET", path });
    expect([response.status, response.attempts, seen.length]).toEqual([503, 6, 6]);
    await transport.close();
  });

  test("Retry-After on one request's 429 holds the next request of the process too", async () => {
    const { transport, pool } = setUp();
    const sentAt: Record<string, number[]> = { a: [], b: [] };
    const reply = (name: string, statuses: number[]) => () => {
      sentAt[name].push(Date.now());
      const status = statuses[sentAt[name].length - 1] ?? 200;
      return { statusCode: status, data: "{}", responseOptions: { headers: status === 429 ? { "retry-after": "0.3" } : {} } };
    };
    pool.intercept({ path: "/a", method: "GET" }).reply(reply("a", [429, 200])).times(2);
    pool.intercept({ path: "/b", method: "GET" }).reply(reply("b", [200]));
    const first = await transport.send(new URL(ORIGIN), { method: "GET", path: "/a" });
    const second = await transport.send(new URL(ORIGIN), { method: "GET", path: "/b" });
    expect([first.status, second.status]).toEqual([200, 200]);
    // the retry waited the Retry-After, and the next request of the process was paced behind it
    expect(sentAt.a[1] - sentAt.a[0]).toBeGreaterThanOrEqual(290);
    expect(sentAt.b[0]).toBeGreaterThanOrEqual(sentAt.a[1]);
    await transport.close();
  });

  test("the total-time bound still ends an endless 429", async () => {
    const { seen, transport, record, pool } = setUp({ ...bounds, totalMs: 350 });
    pool.intercept({ path: "/t", method: "GET" }).reply(record(429, { error_code: "APIGW.0308", error_msg: "throttled" }, { "retry-after": "0.1" })).times(100);
    const response = await transport.send(new URL(ORIGIN), { method: "GET", path: "/t" });
    // 0.1 s apart within 350 ms: the first attempt and at most three retries, never all 100
    expect(response.status).toBe(429);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(4);
    await transport.close();
  });
});

describe("an answer cut off mid-body (the connection closes after the headers)", () => {
  /** A raw server: each connection's answer promises 100 bytes, sends 7 and closes, `cut` times; then a whole answer. */
  async function cuttingServer(cut: number) {
    let answered = 0;
    const raw = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (answered++ < cut) {
          res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
          res.write('{"part');
          setTimeout(() => res.socket?.destroy(), 20);
        } else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    return {
      origin: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`,
      requests: () => answered,
      close: () => new Promise<void>((resolve) => (raw.closeAllConnections(), raw.close(() => resolve()))),
    };
  }

  test("is a connection reset: retried, and the next whole answer comes back", async () => {
    const raw = await cuttingServer(1);
    const transport = createTransport(credentialsFromEnvironment({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: SK }), bounds, undefined, { random: () => 0 });
    try {
      const response = await transport.send(new URL(raw.origin), { method: "GET", path: "/v2.0/p/resources" });
      expect({ status: response.status, text: response.text, attempts: response.attempts }).toEqual({ status: 200, text: '{"ok":true}', attempts: 2 });
    } finally {
      await transport.close();
      await raw.close();
    }
  });

  test("on every attempt: one line naming the reset and the attempts", async () => {
    const raw = await cuttingServer(10);
    const transport = createTransport(credentialsFromEnvironment({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: SK }), { ...bounds, maxAttempts: 2 }, undefined, { random: () => 0 });
    try {
      await expect(transport.send(new URL(raw.origin), { method: "GET", path: "/v2.0/p/resources" })).rejects.toThrow(
        "GET /v2.0/p/resources → no answer: ECONNRESET the connection closed before the answer was complete · after 2 attempts",
      );
      expect(raw.requests()).toBe(2);
    } finally {
      await transport.close();
      await raw.close();
    }
  });
});

describe("error answers: code, message and request id from each body shape the services use", () => {
  const answer = (status: number, text: string, requestId?: string) => ({ status, headers: {}, text, requestId, attempts: 1 });
  test.each([
    ["DLI", '{"error_code":"DLI.0002","error_msg":"bad group","request_id":"body-id"}', { code: "DLI.0002", message: "bad group", requestId: "body-id" }],
    ["APIG", '{"code":"APIGW.0301","message":"Incorrect IAM authentication information"}', { code: "APIGW.0301", message: "Incorrect IAM authentication information" }],
    ["Keystone (IAM)", '{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}', { code: "401", message: "The request you have made requires authentication." }],
    ["Keystone with a title only", '{"error":{"code":"403","title":"Forbidden"}}', { code: "403", message: "Forbidden" }],
    ["not JSON", "upstream connect error", { code: undefined, message: "upstream connect error" }],
    ["empty", "", { code: undefined, message: undefined }],
    ["JSON null", "null", { code: undefined, message: undefined }],
    ["an empty object", "{}", { code: undefined, message: undefined }],
    ["APIG with a code only", '{"code":"APIGW.0101"}', { code: "APIGW.0101", message: undefined }],
    ["empty DLI fields fall through to the next shape", '{"error_code":"","error_msg":"","code":"APIGW.0301","message":"denied"}', { code: "APIGW.0301", message: "denied" }],
    ["a numeric DLI code", '{"error_code":500,"error_msg":"internal"}', { code: "500", message: "internal" }],
  ])("%s", (_shape, text, expected) => {
    const error = errorFromResponse("POST", "/v3/auth/tokens", answer(401, text));
    expect({ code: error.details.code, message: error.details.message, requestId: error.details.requestId }).toEqual({ requestId: undefined, ...expected });
  });

  test("a body that is not JSON is cut to 200 characters; the header's request id wins over the body's", () => {
    expect(errorFromResponse("GET", "/x", answer(502, "x".repeat(500))).details.message).toBe("x".repeat(200));
    expect(errorFromResponse("GET", "/x", answer(500, '{"request_id":"body-id"}', "header-id")).details.requestId).toBe("header-id");
  });
});

describe("success bodies that are not a JSON object", () => {
  const answer = (text: string) => ({ status: 200, headers: {}, text, requestId: "req-9", attempts: 1 });
  test("JSON null is refused like any other non-object", () => {
    expect(() => jsonObject("GET", "/v2.0/p/resources", answer("null"))).toThrow("GET /v2.0/p/resources → unexpected response: HTTP 200 with a JSON null, expected an object · X-Request-Id req-9");
  });
  test("a body that is not JSON is quoted, cut to 80 characters", () => {
    expect(() => jsonObject("GET", "/x", answer("<" + "h".repeat(200)))).toThrow(`HTTP 200 with a body that is not JSON (${JSON.stringify("<" + "h".repeat(79))})`);
  });
});

describe("pacing and Retry-After under the real transport", () => {
  const transportWith = (pacer: Pacer, onRetry?: RetryListener, retryBounds = bounds) =>
    createTransport(credentialsFromEnvironment({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: SK }), retryBounds, onRetry, { random: () => 0, pacer });
  /** A pacer that does not decay within a test: only 429s and answers move its spacing. */
  const steadyPacer = () => new Pacer({ ...DEFAULT_PACER_SETTINGS, firstIntervalMs: 200, maxIntervalMs: 1000, recovery: 0.5, halfLifeMs: 1e9 });

  test("an answer after a 429 lets the pace recover; a request that got no answer does not", async () => {
    const pacer = steadyPacer();
    const transport = transportWith(pacer, undefined, { ...bounds, maxAttempts: 1 });
    server.intercept({ path: "/p", method: "GET" }).reply(429, "{}", { headers: { "retry-after": "0" } });
    server.intercept({ path: "/p", method: "GET" }).reply(200, "{}");
    expect((await transport.send(new URL(ORIGIN), { method: "GET", path: "/p" })).status).toBe(200);
    // 429: spacing 200 ms; then a 200: × recovery 0.5
    expect(Math.round(pacer.intervalMs)).toBe(100);
    const closed = netServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(transport.send(new URL(`http://127.0.0.1:${port}`), { method: "GET", path: "/p" })).rejects.toThrow(/ECONNREFUSED/);
    // a refused connection is no answer from the service: the spacing stays
    expect(Math.round(pacer.intervalMs)).toBe(100);
    await transport.close();
  });

  test("Retry-After on a 503 sets the retry's delay", async () => {
    const events: Parameters<RetryListener>[0][] = [];
    const transport = transportWith(steadyPacer(), (event) => events.push(event));
    const sentAt: number[] = [];
    const reply = (status: number) => () => (sentAt.push(Date.now()), { statusCode: status, data: "{}", responseOptions: { headers: status === 503 ? { "retry-after": "0.3" } : {} } });
    server.intercept({ path: "/r", method: "GET" }).reply(reply(503));
    server.intercept({ path: "/r", method: "GET" }).reply(reply(200));
    expect((await transport.send(new URL(ORIGIN), { method: "GET", path: "/r" })).status).toBe(200);
    expect(events).toEqual([{ method: "GET", path: "/r", attempt: 2, delayMs: 300, cause: "HTTP 503", throttled: false, pacingMs: 0 }]);
    expect(sentAt[1] - sentAt[0]).toBeGreaterThanOrEqual(290);
    await transport.close();
  });

  test("a throttled request keeps its slot: a request started while it waits out Retry-After goes after its retry", async () => {
    let throttledAnswered!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (throttledAnswered = resolve));
    // the retry listener runs once a's 429 has been read and its retry decided
    const transport = transportWith(steadyPacer(), () => throttledAnswered());
    const order: string[] = [];
    let attemptsOfA = 0;
    server.intercept({ path: "/a", method: "GET" }).reply(() => {
      order.push(`a${++attemptsOfA}`);
      return { statusCode: attemptsOfA === 1 ? 429 : 200, data: "{}", responseOptions: { headers: attemptsOfA === 1 ? { "retry-after": "0.5" } : {} } };
    }).times(2);
    server.intercept({ path: "/b", method: "GET" }).reply(() => (order.push("b"), { statusCode: 200, data: "{}" }));
    const a = transport.send(new URL(ORIGIN), { method: "GET", path: "/a" });
    await firstAnswer;
    await new Promise((resolve) => setTimeout(resolve, 150));
    // a's retry holds the slot at +500 ms; b, started 150 ms in, gets the next one (+200 ms spacing)
    const b = transport.send(new URL(ORIGIN), { method: "GET", path: "/b" });
    expect([(await a).status, (await b).status]).toEqual([200, 200]);
    expect(order).toEqual(["a1", "a2", "b"]);
    await transport.close();
  });
});

describe("connections", () => {
  const transportWith = (retryBounds = bounds) =>
    createTransport(credentialsFromEnvironment({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: SK }), retryBounds, undefined, { random: () => 0 });

  test("one keep-alive connection carries a process's requests", async () => {
    const { seen, transport, record, pool } = setUp();
    pool.intercept({ path: "/v2.0/p/resources", method: "GET" }).reply(record(200, { groups: [] })).times(3);
    const sockets = new Set<unknown>();
    server.server.on("connection", (socket) => sockets.add(socket));
    for (let i = 0; i < 3; i++) expect((await transport.send(new URL(ORIGIN), { method: "GET", path: "/v2.0/p/resources" })).status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(sockets.size).toBe(1);
    await transport.close();
  });

  test("close() ends the idle keep-alive connection at once", async () => {
    server.server.keepAliveTimeout = 60_000;
    const { transport, record, pool } = setUp();
    pool.intercept({ path: "/k", method: "GET" }).reply(record(200, {}));
    const closed = new Promise<string>((resolve) => server.server.once("connection", (socket) => socket.once("close", () => resolve("closed"))));
    expect((await transport.send(new URL(ORIGIN), { method: "GET", path: "/k" })).status).toBe(200);
    await transport.close();
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("still open after 2 s"), 2000).unref());
    expect(await Promise.race([closed, timeout])).toBe("closed");
  });

  test("an IPv6 literal endpoint (http://[::1]:port) is reached", async () => {
    const v6 = createServer((req, res) => req.resume().on("end", () => res.writeHead(200, { "x-iam-trace-id": "trace-1" }).end("{}")));
    await new Promise<void>((resolve) => v6.listen(0, "::1", resolve));
    const transport = transportWith();
    try {
      const response = await transport.send(new URL(`http://[::1]:${(v6.address() as AddressInfo).port}`), { method: "GET", path: "/v3/projects" });
      // IAM answers carry X-IAM-Trace-Id instead of X-Request-Id
      expect({ status: response.status, requestId: response.requestId }).toEqual({ status: 200, requestId: "trace-1" });
    } finally {
      await transport.close();
      v6.closeAllConnections();
      await new Promise((resolve) => v6.close(resolve));
    }
  });

  test("an https:// endpoint is spoken to in TLS (the first bytes are a TLS handshake, not an HTTP request line)", async () => {
    const firstBytes: Buffer[] = [];
    const tcp = netServer((socket) => socket.once("data", (chunk: Buffer) => (firstBytes.push(chunk), socket.destroy())));
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    const transport = transportWith({ ...bounds, maxAttempts: 1 });
    try {
      await expect(transport.send(new URL(`https://127.0.0.1:${(tcp.address() as AddressInfo).port}`), { method: "GET", path: "/v3/projects" })).rejects.toThrow(/→ no answer/);
      expect(firstBytes).toHaveLength(1);
      expect(firstBytes[0][0]).toBe(0x16); // TLS record type "handshake"
    } finally {
      await transport.close();
      await new Promise((resolve) => tcp.close(resolve));
    }
  });
});
