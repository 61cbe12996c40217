/**
 * The OBS signer (lib/runtime/signer/obs) against the documented StringToSign (obs_04_0010) and
 * against Huawei's official client: for every request kind the runtime sends, esdk-obs-nodejs
 * signs a request to a loopback server that records it, and our Authorization for the recorded
 * request (method, bucket, key, query, headers as they arrived) is the same, byte for byte.
 */
import { createHash } from "node:crypto";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import {
  obsAuthorization,
  obsCanonicalizedResource,
  ObsSignableRequest,
  obsSignature,
  obsStringToSign,
  parseObsAuthorization,
} from "../../../lib/runtime/signer/obs";
import { OFFICIAL_CLIENT_SERVER, officialObsClient } from "../../support/official-obs-client";

describe("obsStringToSign follows obs_04_0010", () => {
  test("verb, MD5, type, date, x-obs-* lower-cased, sorted, trimmed, merged; sub-resources sorted, others dropped", () => {
    const request: ObsSignableRequest = {
      method: "put",
      bucket: "dli-test",
      key: "dir/a b+c/ü.jar",
      query: { uploadId: "U1", partNumber: "3", prefix: "ignored", "max-keys": "5" },
      headers: {
        "Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==",
        "content-type": "application/octet-stream",
        Date: "Mon, 07 Dec 2026 12:00:00 GMT",
        "X-OBS-Meta-Sha256": "  abc  ",
        "x-obs-acl": "private",
        "x-obs-meta-multi": ["one", "two"],
        "User-Agent": "not signed",
      },
    };
    expect(obsStringToSign(request)).toBe(
      "PUT\n1B2M2Y8AsgTpgAmY7PhCfg==\napplication/octet-stream\nMon, 07 Dec 2026 12:00:00 GMT\n" +
        "x-obs-acl:private\nx-obs-meta-multi:one,two\nx-obs-meta-sha256:abc\n" +
        "/dli-test/dir/a%20b%2Bc/%C3%BC.jar?partNumber=3&uploadId=U1",
    );
  });

  test("Date is empty when x-obs-date is set; absent MD5 and type are empty lines", () => {
    const request: ObsSignableRequest = {
      method: "GET",
      bucket: "b",
      key: "",
      headers: { Date: "Mon, 07 Dec 2026 12:00:00 GMT", "x-obs-date": "Mon, 07 Dec 2026 12:00:01 GMT" },
    };
    expect(obsStringToSign(request)).toBe("GET\n\n\n\nx-obs-date:Mon, 07 Dec 2026 12:00:01 GMT\n/b/");
  });

  test("a sub-resource without a value is its bare name; a service-level call is '/'", () => {
    expect(obsCanonicalizedResource({ method: "POST", bucket: "b", key: "k", query: { uploads: undefined }, headers: {} })).toBe("/b/k?uploads");
    expect(obsCanonicalizedResource({ method: "GET", bucket: "b", key: "", query: { uploads: "", prefix: "p/" }, headers: {} })).toBe("/b/?uploads");
    expect(obsCanonicalizedResource({ method: "GET", bucket: "", key: "", headers: {} })).toBe("/");
  });

  test("signature is base64 HMAC-SHA1; the header is 'OBS AK:sig' and parses back", () => {
    // HMAC-SHA1("key", "The quick brown fox jumps over the lazy dog") = de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9 (RFC 2104 test text).
    expect(Buffer.from(obsSignature("key", "The quick brown fox jumps over the lazy dog"), "base64").toString("hex")).toBe(
      "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9",
    );
    const header = obsAuthorization("AK1", "SK1", { method: "GET", bucket: "b", key: "k", headers: { Date: "x" } });
    expect(header).toMatch(/^OBS AK1:[A-Za-z0-9+/]+=*$/);
    expect(parseObsAuthorization(header)).toEqual({ accessKey: "AK1", signature: header.slice("OBS AK1:".length) });
    expect(parseObsAuthorization("AWS AK1:abc")).toBeUndefined();
    expect(parseObsAuthorization("OBS AK1")).toBeUndefined();
  });
});

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
}

/** The request as the signer sees it, rebuilt from what arrived (virtual-hosted Host header). */
function signableFromWire(recorded: Recorded): ObsSignableRequest {
  const host = String(recorded.headers.host).replace(/:\d+$/, "");
  const bucket = host.endsWith(`.${OFFICIAL_CLIENT_SERVER}`) ? host.slice(0, -(OFFICIAL_CLIENT_SERVER.length + 1)) : "";
  const [rawPath, rawQuery = ""] = recorded.url.split("?", 2);
  const query: Record<string, string | undefined> = {};
  for (const part of rawQuery.split("&").filter((p) => p !== "")) {
    const eq = part.indexOf("=");
    query[decodeURIComponent(eq < 0 ? part : part.slice(0, eq))] = eq < 0 ? undefined : decodeURIComponent(part.slice(eq + 1));
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(recorded.headers)) if (value !== undefined) headers[name] = String(value);
  return { method: recorded.method, bucket, key: decodeURIComponent(rawPath.slice(1)), query, headers };
}

describe("our OBS signature equals esdk-obs-nodejs's for every request the runtime sends", () => {
  let server: Server;
  let port: number;
  const recorded: Recorded[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        recorded.push({ method: req.method!, url: req.url!, headers: req.headers });
        res.writeHead(200, { "Content-Length": "0" }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  const body = Buffer.from("staged bytes\n");
  const md5 = createHash("md5").update(body).digest("base64");
  const sha = createHash("sha256").update(body).digest("hex");
  const keys = [
    `dli-staging/${sha}/etl-1.4.2.jar`,
    "dli staging/naïve résumé ü+plus.py",
    "odd/~tilde(paren)*star!bang'quote&amp=eq;semi.jar",
  ];
  const calls: Array<[string, (client: any, key: string) => Promise<unknown>]> = [
    ["PUT object with Content-MD5 and x-obs-meta-sha256", (c, key) => c.putObject({ Bucket: "dli-test", Key: key, Body: body, ContentMD5: md5, Metadata: { sha256: sha } })],
    ["HEAD object", (c, key) => c.getObjectMetadata({ Bucket: "dli-test", Key: key })],
    ["GET object", (c, key) => c.getObject({ Bucket: "dli-test", Key: key })],
    ["DELETE object", (c, key) => c.deleteObject({ Bucket: "dli-test", Key: key })],
    ["InitiateMultipartUpload", (c, key) => c.initiateMultipartUpload({ Bucket: "dli-test", Key: key, Metadata: { sha256: sha } })],
    ["UploadPart", (c, key) => c.uploadPart({ Bucket: "dli-test", Key: key, PartNumber: 2, UploadId: "0000018C2A0B7C8D9E", Body: body, ContentMD5: md5 })],
    [
      "CompleteMultipartUpload",
      (c, key) => c.completeMultipartUpload({ Bucket: "dli-test", Key: key, UploadId: "0000018C2A0B7C8D9E", Parts: [{ PartNumber: 1, ETag: '"a1"' }, { PartNumber: 2, ETag: '"b2"' }] }),
    ],
    ["AbortMultipartUpload", (c, key) => c.abortMultipartUpload({ Bucket: "dli-test", Key: key, UploadId: "0000018C2A0B7C8D9E" })],
    ["ListMultipartUploads with prefix", (c, key) => c.listMultipartUploads({ Bucket: "dli-test", Prefix: key })],
    ["ListParts", (c, key) => c.listParts({ Bucket: "dli-test", Key: key, UploadId: "0000018C2A0B7C8D9E" })],
    ["ListObjects with prefix, marker, max-keys", (c, key) => c.listObjects({ Bucket: "dli-test", Prefix: key.slice(0, 12), Marker: key, MaxKeys: 1000 })],
  ];
  const cases = calls.flatMap(([name, call]) =>
    keys.flatMap((key) => [
      { name, call, key, securityToken: undefined as string | undefined },
      { name: `${name}, temporary credentials`, call, key, securityToken: "gQpzZWN1cml0eS10b2tlbg==/token+with=chars" },
    ]),
  );

  test.each(cases)("$name, key $key", async ({ call, key, securityToken }) => {
    const accessKey = "HPUAEXAMPLEACCESSKEY";
    const secretKey = "exampleSecretKey/with+chars=1234567890";
    const client = await officialObsClient({ port, accessKey, secretKey, securityToken });
    const before = recorded.length;
    await call(client, key);
    expect(recorded.length).toBe(before + 1);
    const wire = recorded[recorded.length - 1];
    expect(wire.headers.authorization).toMatch(/^OBS HPUAEXAMPLEACCESSKEY:/);
    if (securityToken) expect(wire.headers["x-obs-security-token"]).toBe(securityToken);
    const request = signableFromWire(wire);
    expect(request.bucket).toBe("dli-test");
    expect(obsAuthorization(accessKey, secretKey, request)).toBe(wire.headers.authorization);
    // The comparison can fail: another secret, or one header changed, gives another signature.
    expect(obsAuthorization(accessKey, `${secretKey}x`, request)).not.toBe(wire.headers.authorization);
    expect(obsAuthorization(accessKey, secretKey, { ...request, headers: { ...request.headers, date: "Thu, 01 Jan 2026 00:00:00 GMT" } })).not.toBe(
      wire.headers.authorization,
    );
  });
});
