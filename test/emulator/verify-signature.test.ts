/**
 * The emulator's verifier against the five published vectors of dli-api.md §4.1 (clock injected
 * at each vector's X-Sdk-Date), and against requests signed with different header sets.
 */
import { verifySignature, VerifiableRequest } from "../../lib/emulator";
import { formatSdkDate, signRequest } from "../../lib/runtime/signer";

const GO_KEY = { accessKey: "AccessKey", secretKey: "SecretKey" };
const DOC_KEY = { accessKey: "QTWAOYTTINDUT2QVKYUC", secretKey: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc" };
const auth = (ak: string, signed: string, sig: string) => `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${signed}, Signature=${sig}`;
const at = (sdkDate: string) =>
  Date.UTC(+sdkDate.slice(0, 4), +sdkDate.slice(4, 6) - 1, +sdkDate.slice(6, 8), +sdkDate.slice(9, 11), +sdkDate.slice(11, 13), +sdkDate.slice(13, 15));

const VECTORS: { name: string; key: typeof GO_KEY; date: string; request: VerifiableRequest }[] = [
  {
    name: "TV1 Go GET, underscore header unsigned",
    key: GO_KEY,
    date: "20060102T150405Z",
    request: {
      method: "GET",
      path: "/path",
      query: "limit=1",
      body: "",
      headers: {
        "X-Sdk-Date": "20060102T150405Z",
        TEST_UNDERSCORE: "TEST_VALUE",
        Authorization: auth("AccessKey", "x-sdk-date", "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"),
      },
    },
  },
  {
    name: "TV2 Go POST, JSON body ending in a newline, content-type unsigned",
    key: GO_KEY,
    date: "20060102T150405Z",
    request: {
      method: "POST",
      path: "/path",
      query: "key=value",
      body: '{"Name":"test","Id":1}\n',
      headers: {
        "X-Sdk-Date": "20060102T150405Z",
        "Content-Type": "application/json",
        Authorization: auth("AccessKey", "x-sdk-date", "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"),
      },
    },
  },
  {
    name: "TV3 Huawei doc example, content-type and host signed",
    key: DOC_KEY,
    date: "20191115T033655Z",
    request: {
      method: "GET",
      path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
      query: "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
      body: "",
      headers: {
        "content-type": "application/json",
        host: "service.region.example.com",
        "x-sdk-date": "20191115T033655Z",
        authorization: auth(DOC_KEY.accessKey, "content-type;host;x-sdk-date", "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"),
      },
    },
  },
  {
    name: "TV4 Python GET, host signed",
    key: GO_KEY,
    date: "20200608T023900Z",
    request: {
      method: "GET",
      path: "/resources",
      query: "size=1",
      body: "",
      headers: {
        Host: "service.endpoint.myhuaweicloud.com",
        "X-Sdk-Date": "20200608T023900Z",
        TEST_UNDERSCORE: "TEST_VALUE",
        Authorization: auth("AccessKey", "host;x-sdk-date", "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"),
      },
    },
  },
  {
    name: "TV5 Python POST with body",
    key: GO_KEY,
    date: "20200608T023900Z",
    request: {
      method: "POST",
      path: "/resources",
      query: "size=1",
      body: '{"name":"test","id":1}',
      headers: {
        Host: "service.endpoint.myhuaweicloud.com",
        "X-Sdk-Date": "20200608T023900Z",
        TEST_UNDERSCORE: "TEST_VALUE",
        Authorization: auth("AccessKey", "host;x-sdk-date", "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"),
      },
    },
  },
];

const verify = (request: VerifiableRequest, key: typeof GO_KEY, now: number) =>
  verifySignature(request, { secretFor: (ak) => (ak === key.accessKey ? key.secretKey : undefined), now, maxClockSkewMs: 15 * 60 * 1000 });

describe("verifier against the published test vectors (dli-api.md §4.1)", () => {
  test.each(VECTORS)("$name is accepted at its own X-Sdk-Date", ({ request, key, date }) => {
    expect(verify(request, key, at(date))).toMatchObject({ ok: true, accessKey: key.accessKey });
  });

  test.each(VECTORS)("$name is rejected 15 min + 1 s later (skew)", ({ request, key, date }) => {
    const result = verify(request, key, at(date) + 15 * 60 * 1000 + 1000);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/from server time/) });
  });

  test.each(VECTORS)("$name is accepted exactly 15 min earlier (the limit is inclusive)", ({ request, key, date }) => {
    expect(verify(request, key, at(date) - 15 * 60 * 1000).ok).toBe(true);
  });

  test.each(VECTORS)("$name with one byte of the body or query changed is rejected", ({ request, key, date }) => {
    const tampered = request.body ? { ...request, body: `${request.body} ` } : { ...request, query: `${request.query}0` };
    expect(verify(tampered, key, at(date))).toEqual({ ok: false, reason: "verify aksk signature fail" });
  });

  test("an unknown access key is rejected with APIG's message", () => {
    const { request, date } = VECTORS[0];
    expect(verify(request, { accessKey: "Other", secretKey: "x" }, at(date))).toEqual({
      ok: false,
      reason: "Get secretKey failed,ak:AccessKey,err:ak not exist",
    });
  });

  test("the wrong secret key is rejected", () => {
    const { request, date } = VECTORS[0];
    expect(verify(request, { accessKey: "AccessKey", secretKey: "NotTheSecret" }, at(date)).ok).toBe(false);
  });
});

describe("verifier with the header sets different clients sign", () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  const key = { accessKey: "AK", secretKey: "SK" };
  const base = {
    method: "POST",
    path: "/v2.0/abc/resources/files",
    query: "",
    body: '{"paths":["https://b.obs.cn-north-4.myhuaweicloud.com/a.jar"],"group":"g"}',
  };
  const cases: { name: string; headers: Record<string, string> }[] = [
    { name: "Go: x-sdk-date only (content-type, host unsigned)", headers: { "x-sdk-date": formatSdkDate(new Date(now)) } },
    { name: "Node: content-type + host + x-sdk-date", headers: { "content-type": "application/json", host: "127.0.0.1:1" } },
    { name: "Python: host + x-sdk-date, content-type unsigned", headers: { host: "127.0.0.1:1" } },
    { name: "content-type signed, host not", headers: { "content-type": "application/json" } },
    { name: "with x-project-id and user-agent", headers: { "x-project-id": "abc", "user-agent": "huaweicloud-usdk-go/3.0" } },
  ];

  test.each(cases)("$name: accepted, and tampering any signed header is rejected", ({ headers }) => {
    const signed = signRequest({ ...base, headers }, key, new Date(now));
    // Unsigned extras the client adds after signing (Go leaves content-type unsigned).
    const sent = { "content-type": "application/json", host: "127.0.0.1:1", ...signed };
    expect(verify({ ...base, headers: sent }, key, now)).toMatchObject({ ok: true });
    const signedNames = /SignedHeaders=([^,]+)/.exec(signed.authorization)![1].split(";");
    for (const name of signedNames) {
      const tampered = { ...sent, [name]: `${sent[name as keyof typeof sent]}x` };
      expect(verify({ ...base, headers: tampered }, key, now).ok).toBe(false);
    }
  });

  test("a signed header that is missing from the request is named", () => {
    const signed = signRequest({ ...base, headers: { "x-custom": "1" } }, key, new Date(now));
    const { "x-custom": _dropped, ...sent } = signed;
    expect(verify({ ...base, headers: sent }, key, now)).toEqual({ ok: false, reason: "signed header x-custom is not in the request" });
  });

  test("x-sdk-date must be signed", () => {
    const signed = signRequest({ ...base, headers: {} }, key, new Date(now));
    const forged = { ...signed, authorization: signed.authorization.replace("SignedHeaders=x-sdk-date", "SignedHeaders=host") };
    expect(verify({ ...base, headers: { ...forged, host: "h" } }, key, now)).toEqual({ ok: false, reason: "x-sdk-date must be among SignedHeaders" });
  });

  test("malformed Authorization and dates are rejected with a reason", () => {
    const signed = signRequest({ ...base, headers: {} }, key, new Date(now));
    expect(verify({ ...base, headers: { ...signed, authorization: "Bearer x" } }, key, now).ok).toBe(false);
    expect(verify({ ...base, headers: { ...signed, "x-sdk-date": "2030-01-01T12:00:00Z" } }, key, now)).toEqual({
      ok: false,
      reason: expect.stringMatching(/is not YYYYMMDDTHHMMSSZ/),
    });
    expect(verify({ ...base, headers: {} }, key, now)).toEqual({ ok: false, reason: expect.stringMatching(/neither Authorization/) });
  });

  test("X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is honoured verbatim (Go, non-JSON bodies)", () => {
    const headers = { "x-sdk-content-sha256": "UNSIGNED-PAYLOAD" };
    const signed = signRequest({ ...base, headers }, key, new Date(now));
    expect(verify({ ...base, body: "anything else", headers: signed }, key, now).ok).toBe(true);
  });
});
