/**
 * What the OBS client puts on the wire, seen by a loopback recorder (dli-local's request log
 * does not keep headers): each body's Content-MD5 is the MD5 of the bytes that arrived, the
 * SHA-256 metadata rides on the PUT and on the initiate, every request is signed `OBS AK:…`
 * over a fresh Date, and Complete lists the parts in order with quoted ETags.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentialsFromEnvironment } from "../../lib/runtime/credentials";
import { openLocalFile, rangeBody } from "../../lib/runtime/obs/local-file";
import { obsBucketAddress } from "../../lib/runtime/obs/obs-address";
import { ObsClient } from "../../lib/runtime/obs/obs-client";
import { DEFAULT_RETRY_BOUNDS } from "../../lib/runtime/retry-policy";
import { obsAuthorization } from "../../lib/runtime/signer/obs";
import { createTransport } from "../../lib/runtime/transport";

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
}

let server: Server;
let recorded: Recorded[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      recorded.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.includes("?uploads")) res.end(`<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>`);
      else {
        res.setHeader("etag", `"${createHash("md5").update(body).digest("hex")}"`);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => (recorded = []));

const env = { HW_ACCESS_KEY: "WIRETESTAK", HW_SECRET_KEY: "wire-test-sk" };

async function setUp(size: number) {
  const bytes = randomBytes(size);
  const dir = mkdtempSync(join(tmpdir(), "dli-wire-"));
  writeFileSync(join(dir, "f.jar"), bytes);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const file = await openLocalFile({ source: "f.jar", objectUrl: "unused", size, sha256 }, 0, dir);
  const credentials = credentialsFromEnvironment(env);
  const client = new ObsClient(createTransport(credentials, DEFAULT_RETRY_BOUNDS), credentials);
  const address = obsBucketAddress("b1", "cn-north-4", "myhuaweicloud.com", new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  return { bytes, sha256, file, client, address };
}

/** The request's signature, recomputed from what arrived, equals the one it carries. */
function expectSigned(r: Recorded, key: string, query?: Record<string, string | undefined>): void {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
  expect(headers.authorization).toBe(obsAuthorization(env.HW_ACCESS_KEY, env.HW_SECRET_KEY, { method: r.method, bucket: "b1", key, query, headers }));
  expect(headers.authorization).toMatch(/^OBS WIRETESTAK:[A-Za-z0-9+/]+=*$/);
  expect(Math.abs(Date.parse(headers.date) - Date.now())).toBeLessThan(60_000);
}

test("a single PUT carries the MD5 of the bytes that arrived and the SHA-256 metadata, signed", async () => {
  const { bytes, sha256, file, client, address } = await setUp(300_000);
  const md5 = createHash("md5").update(bytes).digest("base64");
  await client.putObject(address, "p/k.jar", rangeBody(file, 0, bytes.length), md5, sha256);
  await file.handle.close();
  expect(recorded).toHaveLength(1);
  const [put] = recorded;
  expect([put.method, put.url]).toEqual(["PUT", "/b1/p/k.jar"]);
  expect(put.body.equals(bytes)).toBe(true);
  expect(put.headers["content-md5"]).toBe(createHash("md5").update(put.body).digest("base64"));
  expect(put.headers["content-length"]).toBe(String(bytes.length));
  expect(put.headers["x-obs-meta-sha256"]).toBe(sha256);
  expectSigned(put, "p/k.jar");
});

test("parts carry their own MD5 and exact byte ranges; the initiate carries the SHA-256; Complete lists quoted ETags in order", async () => {
  const { bytes, sha256, file, client, address } = await setUp(250_000);
  const uploadId = await client.initiateMultipartUpload(address, "p/big.jar", sha256);
  const ranges = [
    [0, 100_000],
    [100_000, 100_000],
    [200_000, 50_000],
  ];
  const etags = await Promise.all(
    ranges.map(([start, length], index) => client.uploadPart(address, "p/big.jar", uploadId, index + 1, rangeBody(file, start, length), createHash("md5").update(bytes.subarray(start, start + length)).digest("base64"))),
  );
  await client.completeMultipartUpload(address, "p/big.jar", uploadId, etags.map((etag, index) => ({ partNumber: index + 1, etag })));
  await file.handle.close();
  const [initiate, ...rest] = recorded;
  expect([initiate.method, initiate.url, initiate.headers["x-obs-meta-sha256"]]).toEqual(["POST", "/b1/p/big.jar?uploads", sha256]);
  expectSigned(initiate, "p/big.jar", { uploads: undefined });
  const parts = rest.filter((r) => r.method === "PUT").sort((a, b) => a.url.localeCompare(b.url));
  expect(parts.map((p) => p.url)).toEqual([1, 2, 3].map((n) => `/b1/p/big.jar?partNumber=${n}&uploadId=U1`));
  parts.forEach((part, index) => {
    const [start, length] = ranges[index];
    expect(part.body.equals(bytes.subarray(start, start + length))).toBe(true);
    expect(part.headers["content-md5"]).toBe(createHash("md5").update(part.body).digest("base64"));
    expectSigned(part, "p/big.jar", { partNumber: String(index + 1), uploadId: "U1" });
  });
  const complete = rest.find((r) => r.method === "POST")!;
  const md5s = ranges.map(([start, length]) => createHash("md5").update(bytes.subarray(start, start + length)).digest("hex"));
  expect(complete.body.toString()).toBe(`<CompleteMultipartUpload>${md5s.map((m, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${m}"</ETag></Part>`).join("")}</CompleteMultipartUpload>`);
  expectSigned(complete, "p/big.jar", { uploadId: "U1" });
});
