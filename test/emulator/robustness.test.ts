/**
 * Malformed input never takes the server down: random bytes over raw sockets, bad JSON, wrong
 * content types, huge headers, oversized bodies, truncated requests — 1,000 of them — and a
 * normal signed request still gets the right answer afterwards.
 */
import { connect } from "node:net";
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { json, obs, send, signedSend, signedHeaders, keyOf } from "./support/client";

let emulator: RunningEmulator;
let base: string;
let port: number;

beforeAll(async () => {
  emulator = await startEmulator({ throttlePerSecond: 0 });
  base = `/v2.0/${emulator.env.HW_PROJECT_ID}/resources`;
  port = Number(new URL(emulator.url).port);
});
afterAll(() => emulator.close());

/** Write raw bytes, half-close, and collect whatever comes back until the server closes. */
function raw(payload: Buffer | string, { end = true, timeoutMs = 5000 } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms for payload starting ${JSON.stringify(payload.slice(0, 40).toString())}`));
    }, timeoutMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined); // resets are an acceptable end
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
    socket.write(payload, () => (end ? socket.end() : undefined));
  });
}

/** Deterministic PRNG so a failure can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

async function stillHealthy(): Promise<void> {
  const upload = await signedSend(emulator, json("POST", `${base}/files`, { paths: [obs("health.csv")], group: "health" }));
  expect(upload.status).toBe(201);
  const list = await signedSend(emulator, { method: "GET", path: base });
  expect(list.status).toBe(200);
  expect(list.json.groups.map((g: any) => g.group_name)).toContain("health");
}

test("1,000 malformed requests leave the server answering correctly", async () => {
  const random = prng(20261125);
  const answers = new Map<string, number>();
  const count = (key: string) => answers.set(key, (answers.get(key) ?? 0) + 1);

  // 400 × random bytes (some prefixed with a plausible request line) over raw sockets.
  const randomPayloads = Array.from({ length: 400 }, (_, i) => {
    const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 600) }, () => Math.floor(random() * 256)));
    return i % 2 === 0 ? bytes : Buffer.concat([Buffer.from(`POST ${base}/files HTTP/1.1\r\n`), bytes]);
  });
  await inBatches(randomPayloads, 50, async (payload) => {
    const reply = await raw(payload);
    // Either an HTTP error answer or a closed connection; never a success, never a hang.
    if (reply) expect(reply).toMatch(/^HTTP\/1\.1 [45]\d\d /);
    count(reply ? reply.slice(9, 12) : "closed");
  });

  // 300 × signed requests with bad JSON (the signature is right; the body is not JSON).
  const badBodies = Array.from({ length: 300 }, (_, i) => ['{"paths": [', "{'group': 1}", "nul", '{"a":1}}', `{"x":"${"\\u12"}"}`, "[".repeat(i + 1)][i % 6]);
  await inBatches(badBodies, 50, async (body) => {
    const reply = await signedSend(emulator, { method: "POST", path: `${base}/jars`, body, headers: { "content-type": "application/json" } });
    expect(reply.status).toBe(400);
    expect(reply.json.error_code).toBe("DLI.0001");
    count(String(reply.status));
  });

  // 100 × wrong content type.
  await inBatches(Array.from({ length: 100 }, (_, i) => ["text/plain", "application/xml", "multipart/form-data", "application/jsonx"][i % 4]), 50, async (type) => {
    const reply = await signedSend(emulator, { method: "POST", path: `${base}/files`, body: '{"paths":[],"group":"g"}', headers: { "content-type": type } });
    expect(reply.status).toBe(400);
    expect(reply.json.error_msg).toMatch(/Content-Type must be application\/json/);
    count(String(reply.status));
  });

  // 100 × huge headers (over node's 16 KB) → 494 APIGW.0201.
  await inBatches(Array.from({ length: 100 }, (_, i) => 17_000 + i * 100), 25, async (size) => {
    const reply = await raw(`GET ${base} HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(size)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 494 /);
    expect(reply).toContain('"error_code":"APIGW.0201"');
    count("494");
  });

  // 100 × truncated requests: a body shorter than Content-Length, then the client goes away.
  await inBatches(Array.from({ length: 100 }, (_, i) => i), 50, async (i) => {
    await raw(`POST ${base}/files HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"paths":[${i}`);
    count("truncated");
  });

  expect([...answers.values()].reduce((a, b) => a + b, 0)).toBe(1000);
  await stillHealthy();
});

test("a body declared over 12 MB → 413 APIGW.0201 at once, connection closed", async () => {
  const reply = await raw(`POST ${base}/files HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${13 * 1024 * 1024}\r\n\r\n{`);
  expect(reply).toMatch(/^HTTP\/1\.1 413 /);
  expect(reply).toContain('"error_code":"APIGW.0201"');
  expect(reply).toMatch(/connection: close/i);
  await stillHealthy();
});

test("a chunked body streaming past 12 MB → 413 APIGW.0201", async () => {
  const megabyte = "x".repeat(1024 * 1024);
  const chunk = `${(megabyte.length).toString(16)}\r\n${megabyte}\r\n`;
  const payload = `POST ${base}/files HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk.repeat(13)}0\r\n\r\n`;
  const reply = await raw(payload, { timeoutMs: 15_000 });
  expect(reply).toMatch(/^HTTP\/1\.1 413 /);
  await stillHealthy();
});

test("a signed body of exactly 12 MB is accepted (the limit is inclusive)", async () => {
  const body = JSON.stringify({ paths: [obs("a.csv")], group: "g", pad: "" });
  const padded = body.replace('"pad":""', `"pad":"${"p".repeat(12 * 1024 * 1024 - body.length)}"`);
  expect(Buffer.byteLength(padded)).toBe(12 * 1024 * 1024);
  const reply = await signedSend(emulator, { method: "POST", path: `${base}/files`, body: padded, headers: { "content-type": "application/json" } });
  expect(reply.status).toBe(201);
});

test("an empty body or a JSON null → 400 DLI.0001 with a clear message", async () => {
  const empty = await signedSend(emulator, { method: "POST", path: `${base}/files`, headers: { "content-type": "application/json" } });
  expect([empty.status, empty.json.error_msg]).toEqual([400, expect.stringMatching(/body is empty/)]);
  const nul = await signedSend(emulator, { method: "POST", path: `${base}/files`, body: "null", headers: { "content-type": "application/json" } });
  expect([nul.status, nul.json.error_msg]).toEqual([400, expect.stringMatching(/JSON object, got null/)]);
});

test("bad percent-escapes in the path are an unknown route, not a crash", async () => {
  const reply = await send(emulator.url, { method: "GET", path: `${base}/%E0%A4%A` });
  expect(reply.status).toBe(404);
  const headers = signedHeaders(emulator.url, { method: "GET", path: `/v2.0/%ZZ/resources` }, keyOf(emulator));
  expect((await send(emulator.url, { method: "GET", path: `/v2.0/%ZZ/resources`, headers })).status).toBe(404);
});
