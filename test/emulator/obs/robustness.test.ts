/**
 * dli-local's OBS under hostile and concurrent use: writers racing on one key, keys that look
 * like paths out of the store, headers sent twice, a restart over the same --obs-dir.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { RunningEmulator, startEmulator } from "../../../lib/emulator";
import { obsAuthorization } from "../../../lib/runtime/signer/obs";
import { obsPath, obsSend, xmlElements } from "./obs-client";

const BUCKET = "dli-test";
const md5Hex = (data: string | Buffer) => createHash("md5").update(data).digest("hex");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

describe("one emulator", () => {
  let emulator: RunningEmulator;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dli-obs-test-"));
    emulator = await startEmulator({ obsBuckets: [BUCKET], obsDir: dir });
  });
  afterAll(async () => {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("eight writers racing on one key: the object is one of their bodies, whole, with its ETag", async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(512 * 1024 + i, String.fromCharCode(65 + i)));
    const replies = await Promise.all(bodies.map((body) => obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "race.bin", body })));
    expect(replies.map((r) => r.status)).toEqual(bodies.map(() => 200));
    const head = await obsSend(emulator, { method: "HEAD", bucket: BUCKET, key: "race.bin" });
    const winner = bodies.find((body) => `"${md5Hex(body)}"` === head.headers.etag);
    expect(winner).toBeDefined();
    const got = await obsSend(emulator, { method: "GET", bucket: BUCKET, key: "race.bin" });
    expect(Buffer.byteLength(got.text, "latin1")).toBe(winner!.length);
    expect(md5Hex(Buffer.from(got.text, "utf8"))).toBe(md5Hex(winner!));
    // One data file for the key: the losers' files are gone.
    expect(filesUnder(join(dir, "objects", BUCKET)).filter((f) => f.endsWith(".data"))).toHaveLength(1);
  });

  test("keys like ../../etc/passwd or with a newline are stored inside the store and listed back exactly", async () => {
    const keys = ["../../../../etc/passwd-dli-test", "a/../../b", "line\nbreak", "tab\there", "..", "%2e%2e/x"];
    for (const key of keys) expect((await obsSend(emulator, { method: "PUT", bucket: BUCKET, key, body: key })).status).toBe(200);
    for (const key of keys) {
      const got = await obsSend(emulator, { method: "GET", bucket: BUCKET, key });
      expect([got.status, got.text]).toEqual([200, key]);
    }
    expect(filesUnder(dir).every((file) => !relative(dir, file).startsWith(".."))).toBe(true);
    const list = await obsSend(emulator, { method: "GET", bucket: BUCKET });
    const listed = xmlElements(list.text, "ListBucketResult")
      .filter(([name]) => name === "Contents")
      .map(([, inner]) => /<Key>([\s\S]*?)<\/Key>/.exec(inner)![1].replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
    for (const key of keys) expect(listed).toContain(key);
  });

  test("a metadata header sent twice is signed as 'one,two' (values joined with ',') and kept so", async () => {
    const date = new Date().toUTCString();
    const authorization = obsAuthorization(emulator.env.HW_ACCESS_KEY, emulator.env.HW_SECRET_KEY, {
      method: "PUT",
      bucket: BUCKET,
      key: "twice",
      headers: { date, "x-obs-meta-tag": ["one", "two"] },
    });
    const { request } = await import("node:http");
    const url = new URL(emulator.env.HW_OBS_ENDPOINT);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, method: "PUT", path: obsPath(BUCKET, "twice"), headers: { date, authorization, "x-obs-meta-tag": ["one", "two"], "content-length": "1" }, agent: false },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end("x");
    });
    expect(status).toBe(200);
    const head = await obsSend(emulator, { method: "HEAD", bucket: BUCKET, key: "twice" });
    expect(head.headers["x-obs-meta-tag"]).toBe("one,two");
  });

  test("max-keys=0 lists nothing and still answers the documented elements; a non-number → 400 InvalidArgument", async () => {
    const zero = await obsSend(emulator, { method: "GET", bucket: BUCKET, query: { "max-keys": "0" } });
    expect(zero.status).toBe(200);
    expect(xmlElements(zero.text, "ListBucketResult").map(([n]) => n)).toEqual(["Name", "Prefix", "Marker", "MaxKeys", "IsTruncated"]);
    const bad = await obsSend(emulator, { method: "GET", bucket: BUCKET, query: { "max-keys": "ten" } });
    expect([bad.status, xmlElements(bad.text, "Error")[0]]).toEqual([400, ["Code", "InvalidArgument"]]);
  });

  test("an upload part with a malformed Content-MD5 → 400 InvalidDigest; a part number out of range → 400 InvalidArgument", async () => {
    const init = await obsSend(emulator, { method: "POST", bucket: BUCKET, key: "mp", query: { uploads: undefined } });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.text)![1];
    const digest = await obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "mp", query: { partNumber: "1", uploadId }, headers: { "Content-MD5": "not-base64" }, body: "x" });
    expect([digest.status, xmlElements(digest.text, "Error")[0]]).toEqual([400, ["Code", "InvalidDigest"]]);
    const range = await obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "mp", query: { partNumber: "10001", uploadId }, body: "x" });
    expect([range.status, xmlElements(range.text, "Error")[0]]).toEqual([400, ["Code", "InvalidArgument"]]);
    const malformed = await obsSend(emulator, { method: "POST", bucket: BUCKET, key: "mp", query: { uploadId }, body: "<CompleteMultipartUpload><Part>" });
    expect([malformed.status, xmlElements(malformed.text, "Error")[0]]).toEqual([400, ["Code", "MalformedXML"]]);
  });

  test("a key over 1024 bytes of UTF-8 → 400 KeyTooLongError (PUT and initiate); 1024 bytes are fine", async () => {
    const long = "ü".repeat(513); // 1026 bytes
    const put = await obsSend(emulator, { method: "PUT", bucket: BUCKET, key: long, body: "x" });
    expect([put.status, xmlElements(put.text, "Error")[0]]).toEqual([400, ["Code", "KeyTooLongError"]]);
    const init = await obsSend(emulator, { method: "POST", bucket: BUCKET, key: long, query: { uploads: undefined } });
    expect(xmlElements(init.text, "Error")[0]).toEqual(["Code", "KeyTooLongError"]);
    expect((await obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "k".repeat(1024), body: "x" })).status).toBe(200);
  });

  test("a PUT without Content-Length or chunked body → 411 MissingContentLength", async () => {
    const { obsSignedHeaders } = await import("./obs-client");
    const { connect } = await import("node:net");
    const url = new URL(emulator.env.HW_OBS_ENDPOINT);
    const headers = obsSignedHeaders(emulator, { method: "PUT", bucket: BUCKET, key: "nolength" });
    // node:http's client would add a length or chunking: write the request by hand.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        const lines = [`PUT ${obsPath(BUCKET, "nolength")} HTTP/1.1`, `Host: ${url.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "Connection: close"];
        socket.end(`${lines.join("\r\n")}\r\n\r\n`);
      });
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 411 /);
    expect(raw).toContain("<Code>MissingContentLength</Code>");
    expect((await obsSend(emulator, { method: "HEAD", bucket: BUCKET, key: "nolength" })).status).toBe(404);
  });
});

test("objects and a pending multipart upload survive a restart over the same obsDir", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dli-obs-restart-"));
  try {
    const first = await startEmulator({ obsBuckets: [BUCKET], obsDir: dir });
    await obsSend(first, { method: "PUT", bucket: BUCKET, key: "kept.jar", body: "kept" });
    const init = await obsSend(first, { method: "POST", bucket: BUCKET, key: "pending.jar", query: { uploads: undefined } });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.text)![1];
    const part = await obsSend(first, { method: "PUT", bucket: BUCKET, key: "pending.jar", query: { partNumber: "1", uploadId }, body: "only part" });
    await first.close();

    const second = await startEmulator({ obsBuckets: [BUCKET], obsDir: dir });
    try {
      const got = await obsSend(second, { method: "GET", bucket: BUCKET, key: "kept.jar" });
      expect([got.status, got.text]).toEqual([200, "kept"]);
      const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.etag}</ETag></Part></CompleteMultipartUpload>`;
      const done = await obsSend(second, { method: "POST", bucket: BUCKET, key: "pending.jar", query: { uploadId }, body });
      expect(done.status).toBe(200);
      expect((await obsSend(second, { method: "GET", bucket: BUCKET, key: "pending.jar" })).text).toBe("only part");
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("with a state file and no obsDir, objects live in <stateFile>.obs and survive a restart with the groups", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dli-obs-state-"));
  const stateFile = join(dir, "state.json");
  try {
    const first = await startEmulator({ obsBuckets: [BUCKET], stateFile });
    await obsSend(first, { method: "PUT", bucket: BUCKET, key: "beside-state.jar", body: "bytes" });
    await first.close();
    expect(filesUnder(`${stateFile}.obs`).some((file) => file.endsWith(".data"))).toBe(true);
    const second = await startEmulator({ obsBuckets: [BUCKET], stateFile });
    try {
      expect((await obsSend(second, { method: "GET", bucket: BUCKET, key: "beside-state.jar" })).text).toBe("bytes");
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
