/**
 * Fidelity of dli-local's OBS: Huawei's official Node client (esdk-obs-nodejs) makes every call
 * the runtime makes against it and gets what it expects; wrong credentials, a missing bucket or
 * key give the documented errors through the client; the answers carry exactly the documented
 * elements and headers (obs_04_0022, 0097, 0098, 0101, 0102, 0115).
 */
import { createHash } from "node:crypto";
import { RunningEmulator, startEmulator } from "../../../lib/emulator";
import { OfficialResult, officialObsClient } from "../../support/official-obs-client";
import { signedSend } from "../support/client";
import { obsSend, xmlElements } from "./obs-client";

const BUCKET = "dli-test";
const TEMPORARY = { accessKey: "TEMPORARYOBSKEY00001", secretKey: "temporary-secret-key-0000000000000000000", securityToken: "gQ1jbi1ub3J0aC00-token" };
let emulator: RunningEmulator;
let port: number;
let client: any;

const md5 = (data: Buffer) => createHash("md5").update(data).digest();
const ok = (result: OfficialResult) => {
  expect({ status: result.CommonMsg.Status, code: result.CommonMsg.Code }).toEqual({ status: expect.any(Number), code: "" });
  expect(result.CommonMsg.Status).toBeLessThan(300);
  return result.InterfaceResult!;
};

beforeAll(async () => {
  emulator = await startEmulator({ obsBuckets: [BUCKET, "other-bucket"], credentials: [TEMPORARY] });
  port = Number(new URL(emulator.url).port);
  client = await officialObsClient({ port, accessKey: emulator.env.HW_ACCESS_KEY, secretKey: emulator.env.HW_SECRET_KEY });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("objects through esdk-obs-nodejs", () => {
  const key = "dli-staging/0f3e/naïve résumé+plus.jar";
  const body = Buffer.from("the bytes of a jar\n".repeat(100));

  test("PUT with Content-MD5 and x-obs-meta-sha256, then HEAD, GET, DELETE", async () => {
    const sha = createHash("sha256").update(body).digest("hex");
    const put = ok(await client.putObject({ Bucket: BUCKET, Key: key, Body: body, ContentMD5: md5(body).toString("base64"), Metadata: { sha256: sha } }));
    expect(put.ETag).toBe(`"${md5(body).toString("hex")}"`);
    const head = ok(await client.getObjectMetadata({ Bucket: BUCKET, Key: key }));
    expect(head).toMatchObject({ ContentLength: String(body.length), ETag: `"${md5(body).toString("hex")}"`, Metadata: { sha256: sha } });
    expect(Date.parse(head.LastModified)).toBeGreaterThan(Date.now() - 60_000);
    const got = ok(await client.getObject({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(got.Content).equals(body)).toBe(true);
    expect(ok(await client.deleteObject({ Bucket: BUCKET, Key: key }))).toBeDefined();
    const gone = await client.getObjectMetadata({ Bucket: BUCKET, Key: key });
    expect(gone.CommonMsg.Status).toBe(404);
    // Deleting what is not there succeeds (obs_04_0085).
    expect((await client.deleteObject({ Bucket: BUCKET, Key: key })).CommonMsg.Status).toBe(204);
  });

  test("a Content-MD5 that does not match the body → 400 BadDigest, nothing stored", async () => {
    const result: OfficialResult = await client.putObject({ Bucket: BUCKET, Key: key, Body: body, ContentMD5: md5(Buffer.from("other")).toString("base64") });
    expect([result.CommonMsg.Status, result.CommonMsg.Code]).toEqual([400, "BadDigest"]);
    expect((await client.getObjectMetadata({ Bucket: BUCKET, Key: key })).CommonMsg.Status).toBe(404);
  });

  test("a missing key → 404 NoSuchKey; a bucket dli-local does not serve → 404 NoSuchBucket", async () => {
    const noKey: OfficialResult = await client.getObject({ Bucket: BUCKET, Key: "absent.jar" });
    expect([noKey.CommonMsg.Status, noKey.CommonMsg.Code, noKey.CommonMsg.Message]).toEqual([404, "NoSuchKey", "The specified key does not exist."]);
    expect(noKey.CommonMsg.RequestId).toMatch(/^[0-9A-F]{32}$/);
    const noBucket: OfficialResult = await client.putObject({ Bucket: "not-emulated", Key: "a.jar", Body: body });
    expect([noBucket.CommonMsg.Status, noBucket.CommonMsg.Code]).toEqual([404, "NoSuchBucket"]);
  });

  test("wrong secret key → 403 SignatureDoesNotMatch; unknown access key → 403 InvalidAccessKeyId", async () => {
    const wrongSecret = await officialObsClient({ port, accessKey: emulator.env.HW_ACCESS_KEY, secretKey: "not-the-secret" });
    const denied: OfficialResult = await wrongSecret.putObject({ Bucket: BUCKET, Key: key, Body: body });
    expect([denied.CommonMsg.Status, denied.CommonMsg.Code]).toEqual([403, "SignatureDoesNotMatch"]);
    const unknown = await officialObsClient({ port, accessKey: "NOSUCHACCESSKEY00000", secretKey: "x" });
    const refused: OfficialResult = await unknown.getObject({ Bucket: BUCKET, Key: key });
    expect([refused.CommonMsg.Status, refused.CommonMsg.Code]).toEqual([403, "InvalidAccessKeyId"]);
    expect((await client.getObjectMetadata({ Bucket: BUCKET, Key: key })).CommonMsg.Status).toBe(404);
  });

  test("temporary credentials: with their x-obs-security-token they work; with another token → 403 AccessDenied", async () => {
    const temporary = await officialObsClient({ port, ...TEMPORARY });
    ok(await temporary.putObject({ Bucket: BUCKET, Key: key, Body: body }));
    const wrongToken = await officialObsClient({ port, ...TEMPORARY, securityToken: "another-token" });
    const denied: OfficialResult = await wrongToken.getObject({ Bucket: BUCKET, Key: key });
    expect([denied.CommonMsg.Status, denied.CommonMsg.Code]).toEqual([403, "AccessDenied"]);
    const noToken = await officialObsClient({ port, accessKey: TEMPORARY.accessKey, secretKey: TEMPORARY.secretKey });
    expect((await noToken.getObject({ Bucket: BUCKET, Key: key })).CommonMsg.Code).toBe("AccessDenied");
  });
});

describe("multipart upload through esdk-obs-nodejs", () => {
  const key = "dli-staging/abc/big.jar";
  const part1 = Buffer.alloc(100 * 1024, 1);
  const part2 = Buffer.alloc(150 * 1024, 2);
  const part3 = Buffer.from("the last part may be small");

  async function initiate(k = key): Promise<string> {
    return ok(await client.initiateMultipartUpload({ Bucket: BUCKET, Key: k, Metadata: { sha256: "f".repeat(64) } })).UploadId;
  }
  async function upload(uploadId: string, partNumber: number, body: Buffer, k = key): Promise<string> {
    const result = ok(await client.uploadPart({ Bucket: BUCKET, Key: k, PartNumber: partNumber, UploadId: uploadId, Body: body, ContentMD5: md5(body).toString("base64") }));
    expect(result.ETag).toBe(`"${md5(body).toString("hex")}"`);
    return result.ETag;
  }

  test("initiate, upload parts, list parts, list uploads by prefix, complete: the object is the parts' bytes with ETag MD5(M1M2M3)-3", async () => {
    const uploadId = await initiate();
    expect(uploadId).toMatch(/^[0-9A-F]{32}$/);
    const etags = [await upload(uploadId, 1, part1), await upload(uploadId, 2, part2), await upload(uploadId, 3, part3)];
    const parts = ok(await client.listParts({ Bucket: BUCKET, Key: key, UploadId: uploadId }));
    expect(parts.Parts.map((p: any) => [p.PartNumber, p.ETag, p.Size])).toEqual([
      ["1", etags[0], String(part1.length)],
      ["2", etags[1], String(part2.length)],
      ["3", etags[2], String(part3.length)],
    ]);
    const firstPage = ok(await client.listParts({ Bucket: BUCKET, Key: key, UploadId: uploadId, MaxParts: 2 }));
    expect([firstPage.IsTruncated, firstPage.NextPartNumberMarker, firstPage.Parts.length]).toEqual(["true", "2", 2]);
    const uploads = ok(await client.listMultipartUploads({ Bucket: BUCKET, Prefix: "dli-staging/" }));
    expect(uploads.Uploads.map((u: any) => [u.Key, u.UploadId])).toEqual([[key, uploadId]]);
    expect(ok(await client.listMultipartUploads({ Bucket: BUCKET, Prefix: "elsewhere/" })).Uploads).toEqual([]);

    const done = ok(await client.completeMultipartUpload({ Bucket: BUCKET, Key: key, UploadId: uploadId, Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) }));
    const expected = `"${createHash("md5").update(Buffer.concat([md5(part1), md5(part2), md5(part3)])).digest("hex")}-3"`;
    expect(done).toMatchObject({ Bucket: BUCKET, Key: key, ETag: expected });
    const got = ok(await client.getObject({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(got.Content).equals(Buffer.concat([part1, part2, part3]))).toBe(true);
    const head = ok(await client.getObjectMetadata({ Bucket: BUCKET, Key: key }));
    expect(head).toMatchObject({ ETag: expected, Metadata: { sha256: "f".repeat(64) } });
    expect(ok(await client.listMultipartUploads({ Bucket: BUCKET })).Uploads).toEqual([]);
  });

  test("parts out of order → InvalidPartOrder; a wrong ETag → InvalidPart; a small part not last → EntityTooSmall", async () => {
    const uploadId = await initiate();
    const e1 = await upload(uploadId, 1, part3);
    const e2 = await upload(uploadId, 2, part2);
    const complete = (parts: unknown[]) => client.completeMultipartUpload({ Bucket: BUCKET, Key: key, UploadId: uploadId, Parts: parts });
    const order: OfficialResult = await complete([{ PartNumber: 2, ETag: e2 }, { PartNumber: 1, ETag: e1 }]);
    expect([order.CommonMsg.Status, order.CommonMsg.Code]).toEqual([400, "InvalidPartOrder"]);
    const wrong: OfficialResult = await complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }, { PartNumber: 2, ETag: e2 }]);
    expect([wrong.CommonMsg.Status, wrong.CommonMsg.Code]).toEqual([400, "InvalidPart"]);
    const absent: OfficialResult = await complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 7, ETag: e2 }]);
    expect(absent.CommonMsg.Code).toBe("InvalidPart");
    const small: OfficialResult = await complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }]);
    expect([small.CommonMsg.Status, small.CommonMsg.Code]).toEqual([400, "EntityTooSmall"]);
    expect((await client.getObjectMetadata({ Bucket: BUCKET, Key: key })).CommonMsg.Status).toBe(404);
  });

  test("abort deletes the upload: listed no more, its parts refused with NoSuchUpload, a second abort → 404 NoSuchUpload", async () => {
    const uploadId = await initiate();
    await upload(uploadId, 1, part1);
    expect((await client.abortMultipartUpload({ Bucket: BUCKET, Key: key, UploadId: uploadId })).CommonMsg.Status).toBe(204);
    expect(ok(await client.listMultipartUploads({ Bucket: BUCKET, Prefix: "dli-staging/" })).Uploads).toEqual([]);
    const late: OfficialResult = await client.uploadPart({ Bucket: BUCKET, Key: key, PartNumber: 2, UploadId: uploadId, Body: part2 });
    expect([late.CommonMsg.Status, late.CommonMsg.Code]).toEqual([404, "NoSuchUpload"]);
    const again: OfficialResult = await client.abortMultipartUpload({ Bucket: BUCKET, Key: key, UploadId: uploadId });
    expect([again.CommonMsg.Status, again.CommonMsg.Code]).toEqual([404, "NoSuchUpload"]);
    const listParts: OfficialResult = await client.listParts({ Bucket: BUCKET, Key: key, UploadId: uploadId });
    expect(listParts.CommonMsg.Code).toBe("NoSuchUpload");
  });
});

describe("ListObjects through esdk-obs-nodejs", () => {
  test("prefix, marker, max-keys: pages end with IsTruncated false; each entry has Key, LastModified, ETag, Size", async () => {
    const keys = ["p/a.jar", "p/b c.jar", "p/ü.jar", "p/z+.jar", "q/other.jar"];
    for (const key of keys) ok(await client.putObject({ Bucket: BUCKET, Key: key, Body: Buffer.from(key) }));
    const seen: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const list = ok(await client.listObjects({ Bucket: BUCKET, Prefix: "p/", Marker: marker, MaxKeys: 3 }));
      for (const entry of list.Contents) {
        expect(entry).toMatchObject({ Size: String(Buffer.byteLength(entry.Key)), ETag: `"${md5(Buffer.from(entry.Key)).toString("hex")}"` });
        expect(entry.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        seen.push(entry.Key);
      }
      if (list.IsTruncated !== "true") break;
      expect(list.NextMarker).toBe(seen[seen.length - 1]);
      marker = list.NextMarker;
    }
    // UTF-8 byte order, as OBS lists.
    expect(seen).toEqual(["p/a.jar", "p/b c.jar", "p/z+.jar", "p/ü.jar"]);
  });
});

describe("documented answers, byte for byte (path-style, signed with lib/runtime/signer/obs)", () => {
  test("an error: status, Content-Type application/xml, x-obs-request-id, x-obs-id-2, and <Error> with Code, Message, Resource, RequestId, HostId", async () => {
    const reply = await obsSend(emulator, { method: "GET", bucket: BUCKET, key: "a b.jar" });
    expect(reply.status).toBe(404);
    expect(reply.headers["content-type"]).toBe("application/xml");
    expect(reply.headers["x-obs-request-id"]).toMatch(/^[0-9A-F]{32}$/);
    expect(reply.headers["x-obs-id-2"]).toEqual(expect.any(String));
    expect(reply.headers["x-request-id"]).toBeUndefined();
    expect(xmlElements(reply.text, "Error")).toEqual([
      ["Code", "NoSuchKey"],
      ["Message", "The specified key does not exist."],
      ["Resource", `/${BUCKET}/a b.jar`],
      ["RequestId", reply.headers["x-obs-request-id"]],
      ["HostId", reply.headers["x-obs-id-2"]],
    ]);
  });

  test("HEAD of a missing object: 404 without a body", async () => {
    const reply = await obsSend(emulator, { method: "HEAD", bucket: BUCKET, key: "absent" });
    expect([reply.status, reply.text]).toEqual([404, ""]);
  });

  test("a request time 16 minutes off → 403 RequestTimeTooSkewed; unsigned → 403 AccessDenied", async () => {
    const skewed = await obsSend(emulator, { method: "GET", bucket: BUCKET, key: "k", date: new Date(Date.now() - 16 * 60_000) });
    expect([skewed.status, xmlElements(skewed.text, "Error")[0]]).toEqual([403, ["Code", "RequestTimeTooSkewed"]]);
    const { send } = await import("../support/client");
    const unsigned = await send(emulator.env.HW_OBS_ENDPOINT, { method: "GET", path: `/${BUCKET}/k` });
    expect([unsigned.status, xmlElements(unsigned.text, "Error")[0]]).toEqual([403, ["Code", "AccessDenied"]]);
  });

  test("ListObjects: exactly Name, Prefix, Marker, NextMarker (when truncated), MaxKeys, IsTruncated, Contents; x-obs-bucket-location", async () => {
    for (const key of ["k1", "k2"]) await obsSend(emulator, { method: "PUT", bucket: BUCKET, key, body: key });
    const reply = await obsSend(emulator, { method: "GET", bucket: BUCKET, query: { prefix: "k", "max-keys": "1" } });
    expect(reply.status).toBe(200);
    expect(reply.headers["x-obs-bucket-location"]).toBe(emulator.env.HW_REGION_NAME);
    expect(reply.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?><ListBucketResult xmlns="http:\/\/obs\.myhwclouds\.com\/doc\/2015-06-30\/">/);
    expect(xmlElements(reply.text, "ListBucketResult").map(([name]) => name)).toEqual(["Name", "Prefix", "Marker", "NextMarker", "MaxKeys", "IsTruncated", "Contents"]);
    expect(xmlElements(reply.text, "Contents").map(([name]) => name)).toEqual(["Key", "LastModified", "ETag", "Size", "Owner", "StorageClass"]);
    const last = await obsSend(emulator, { method: "GET", bucket: BUCKET, query: { prefix: "k", marker: "k1" } });
    expect(xmlElements(last.text, "ListBucketResult").map(([name]) => name)).toEqual(["Name", "Prefix", "Marker", "MaxKeys", "IsTruncated", "Contents"]);
  });

  test("what is not emulated → 501 NotImplemented (a Range, ?acl); an unknown method → 405 MethodNotAllowed", async () => {
    await obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "k", body: "0123456789" });
    const range = await obsSend(emulator, { method: "GET", bucket: BUCKET, key: "k", headers: { Range: "bytes=0-3" } });
    expect([range.status, xmlElements(range.text, "Error")[0]]).toEqual([501, ["Code", "NotImplemented"]]);
    const acl = await obsSend(emulator, { method: "GET", bucket: BUCKET, key: "k", query: { acl: undefined } });
    expect([acl.status, xmlElements(acl.text, "Error")[0]]).toEqual([501, ["Code", "NotImplemented"]]);
    const patch = await obsSend(emulator, { method: "PATCH", bucket: BUCKET, key: "k" });
    expect([patch.status, xmlElements(patch.text, "Error")[0]]).toEqual([405, ["Code", "MethodNotAllowed"]]);
  });

  test("DLI and IAM paths are still DLI and IAM; an unsigned unknown path keeps APIG's 404", async () => {
    const list = await signedSend(emulator, { method: "GET", path: `/v2.0/${emulator.env.HW_PROJECT_ID}/resources` });
    expect(list.status).toBe(200);
    const { send } = await import("../support/client");
    const unknown = await send(emulator.url, { method: "GET", path: "/not-a-bucket/x" });
    expect([unknown.status, unknown.json?.error_code]).toEqual([404, "APIGW.0101"]);
  });
});

describe("faults and throttling apply to OBS", () => {
  afterEach(() => emulator.configure({ faults: {}, throttlePerSecond: 200 }));

  test("503 and 429 injected on UploadPart / PutObject are documented XML errors; a dropped PUT leaves no object", async () => {
    emulator.configure({ faults: { routes: { PutObject: { rate503: 1 } } } });
    const unavailable = await obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "k", body: "x" });
    expect([unavailable.status, xmlElements(unavailable.text, "Error")[0]]).toEqual([503, ["Code", "ServiceUnavailable"]]);
    emulator.configure({ faults: { routes: { PutObject: { rate429: 1 } } } });
    const throttled = await obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "k", body: "x" });
    expect(throttled.status).toBe(429);
    emulator.configure({ faults: { routes: { PutObject: { rateDrop: 1 } } } });
    const body = Buffer.alloc(4 * 1024 * 1024, 7);
    await expect(obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "k", body })).rejects.toThrow();
    emulator.configure({ faults: {} });
    expect((await obsSend(emulator, { method: "HEAD", bucket: BUCKET, key: "k" })).status).toBe(404);
    expect(emulator.requests().filter((r) => r.api === "PutObject").map((r) => r.fault)).toEqual(["503", "429", "drop"]);
  });

  test("a dropped GET is cut mid-body: the client gets the headers and fewer bytes than Content-Length", async () => {
    const body = Buffer.alloc(8 * 1024 * 1024, 3);
    expect((await obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "big", body })).status).toBe(200);
    emulator.configure({ faults: { routes: { GetObject: { rateDrop: 1 } } } });
    const { request } = await import("node:http");
    const { obsPath, obsSignedHeaders } = await import("./obs-client");
    const url = new URL(emulator.env.HW_OBS_ENDPOINT);
    const outcome = await new Promise<{ length: number; received: number; error?: string }>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: obsPath(BUCKET, "big"), headers: obsSignedHeaders(emulator, { method: "GET", bucket: BUCKET, key: "big" }), agent: false }, (res) => {
        let received = 0;
        res.on("data", (chunk: Buffer) => (received += chunk.length));
        res.on("error", (error) => resolve({ length: Number(res.headers["content-length"]), received, error: error.message }));
        res.on("end", () => resolve({ length: Number(res.headers["content-length"]), received }));
        res.on("close", () => resolve({ length: Number(res.headers["content-length"]), received, error: "closed" }));
      });
      req.on("error", (error) => resolve({ length: -1, received: 0, error: error.message }));
      req.end();
    });
    expect(outcome.length).toBe(body.length);
    expect(outcome.received).toBeGreaterThan(0);
    expect(outcome.received).toBeLessThan(body.length);
  });

  test("over the per-caller rate → 503 SlowDown", async () => {
    emulator.configure({ throttlePerSecond: 2 });
    const answers: Array<[number, string | undefined]> = [];
    for (let i = 0; i < 4; i++) {
      const reply = await obsSend(emulator, { method: "GET", bucket: BUCKET, key: "k" });
      answers.push([reply.status, xmlElements(reply.text, "Error")[0]?.[1]]);
    }
    // Two tokens a second per caller and API: the first two pass (404: no such key), then SlowDown.
    expect(answers.slice(0, 2)).toEqual([[404, "NoSuchKey"], [404, "NoSuchKey"]]);
    expect(answers.slice(2)).toContainEqual([503, "SlowDown"]);
  });
});

describe("the DLI side and emulated buckets", () => {
  const base = () => `/v2.0/${emulator.env.HW_PROJECT_ID}/resources`;
  const url = (bucket: string, key: string) => `https://${bucket}.obs.cn-north-4.myhuaweicloud.com/${key}`;
  const upload = (paths: string[]) =>
    signedSend(emulator, { method: "POST", path: `${base()}/files`, body: JSON.stringify({ group: "g", paths }), headers: { "content-type": "application/json" } });

  test("an object that is in the emulated bucket → READY; one that is not → FAILED; a bucket not emulated → READY as before", async () => {
    await obsSend(emulator, { method: "PUT", bucket: BUCKET, key: "dir/present.csv", body: "a,b\n" });
    const reply = await upload([url(BUCKET, "dir/present.csv"), url(BUCKET, "dir/absent.csv"), url("somebody-else", "x.csv")]);
    expect(reply.status).toBe(201);
    const statuses = Object.fromEntries(emulator.groups()[0].packages.map((p) => [p.name, p.status]));
    expect(statuses).toEqual({ "present.csv": "READY", "absent.csv": "FAILED", "x.csv": "READY" });
  });

  test("with missingObjects: error, an absent object in an emulated bucket → 400 DLI.0011 and nothing stored", async () => {
    emulator.configure({ missingObjects: "error" });
    try {
      const reply = await upload([url(BUCKET, "nope.csv")]);
      expect([reply.status, reply.json.error_code]).toEqual([400, "DLI.0011"]);
      expect(emulator.groups()).toEqual([]);
    } finally {
      emulator.configure({ missingObjects: "failed" });
    }
  });
});
