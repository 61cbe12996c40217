import {
  buildQuery,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  parseAuthorizationHeader,
  sha256Hex,
  signRequest,
  stringToSign,
} from "../../../lib/runtime/signer";

// dli-api.md §4.1, published vectors TV1–TV5 (Go and Python SDK tests, Huawei doc example).
describe("SDK-HMAC-SHA256 signer against the published test vectors", () => {
  const now = new Date("2030-01-01T00:00:00Z"); // ignored: every vector pins X-Sdk-Date

  test.each([
    {
      name: "TV1 Go GET, underscore header unsigned",
      request: { method: "GET", path: "/path", query: "limit=1", headers: { "X-Sdk-Date": "20060102T150405Z", TEST_UNDERSCORE: "TEST_VALUE" } },
      key: { accessKey: "AccessKey", secretKey: "SecretKey" },
      signedHeaders: "x-sdk-date",
      signature: "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
    },
    {
      name: "TV2 Go POST with JSON body ending in newline",
      request: { method: "POST", path: "/path", query: "key=value", headers: { "X-Sdk-Date": "20060102T150405Z" }, body: '{"Name":"test","Id":1}\n' },
      key: { accessKey: "AccessKey", secretKey: "SecretKey" },
      signedHeaders: "x-sdk-date",
      signature: "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
    },
    {
      name: "TV3 Huawei doc example, content-type and host signed",
      request: {
        method: "GET",
        path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        query: "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        headers: { "content-type": "application/json", host: "service.region.example.com", "x-sdk-date": "20191115T033655Z" },
      },
      key: { accessKey: "QTWAOYTTINDUT2QVKYUC", secretKey: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc" },
      signedHeaders: "content-type;host;x-sdk-date",
      signature: "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
    },
    {
      name: "TV4 Python GET, host signed",
      request: {
        method: "GET",
        path: "/resources",
        query: "size=1",
        headers: { Host: "service.endpoint.myhuaweicloud.com", "X-Sdk-Date": "20200608T023900Z", TEST_UNDERSCORE: "TEST_VALUE" },
      },
      key: { accessKey: "AccessKey", secretKey: "SecretKey" },
      signedHeaders: "host;x-sdk-date",
      signature: "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842",
    },
    {
      name: "TV5 Python POST with body",
      request: {
        method: "POST",
        path: "/resources",
        query: "size=1",
        headers: { Host: "service.endpoint.myhuaweicloud.com", "X-Sdk-Date": "20200608T023900Z", TEST_UNDERSCORE: "TEST_VALUE" },
        body: '{"name":"test","id":1}',
      },
      key: { accessKey: "AccessKey", secretKey: "SecretKey" },
      signedHeaders: "host;x-sdk-date",
      signature: "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f",
    },
  ])("$name", ({ request, key, signedHeaders, signature }) => {
    const headers = signRequest(request, key, now);
    expect(headers.authorization).toBe(`SDK-HMAC-SHA256 Access=${key.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`);
    expect(parseAuthorizationHeader(headers.authorization)).toEqual({ accessKey: key.accessKey, signedHeaders, signature });
  });

  test("TV1 canonical request text matches the Go test byte for byte", () => {
    const result = canonicalRequest({ method: "GET", path: "/path", query: "limit=1", headers: { "X-Sdk-Date": "20060102T150405Z" } }, "x-sdk-date");
    expect(result).toEqual({
      text: "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    });
  });

  test("TV2 body hash is the SHA-256 of the exact bytes, newline included", () => {
    expect(sha256Hex('{"Name":"test","Id":1}\n')).toBe("a29d7b4c5efd1a22011d69fd7b7aee76fe51e4083c609244228de258afd61289");
  });

  test("TV3 hash of the canonical request matches the Huawei doc", () => {
    const result = canonicalRequest(
      {
        method: "GET",
        path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        query: "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        headers: { "content-type": "application/json", host: "service.region.example.com", "x-sdk-date": "20191115T033655Z" },
      },
      "content-type;host;x-sdk-date",
    );
    expect("text" in result && sha256Hex(result.text)).toBe("b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a");
    expect("text" in result && stringToSign("20191115T033655Z", result.text).split("\n")[0]).toBe("SDK-HMAC-SHA256");
  });

  test("canonical query string matches the Go/Python vector (sorting, repeats, reserved characters)", () => {
    const raw = buildQuery({ test: "一 (&=?!#%.*)", path: "/tmp/123", multi: ["3", "1", "2"], limit: "1", enable: "true" });
    expect(canonicalQuery(raw)).toBe(
      "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29",
    );
  });

  test("canonical URI encodes ! ' ( ) * like the Go SDK and appends the trailing slash", () => {
    expect(canonicalUri("/v2.0/p/resources/a!b'(c)*.jar")).toBe("/v2.0/p/resources/a%21b%27%28c%29%2A.jar/");
    expect(canonicalUri("/v2.0/p/resources/a%21b.jar")).toBe("/v2.0/p/resources/a%21b.jar/");
    expect(canonicalUri("/")).toBe("/");
  });

  test("temporary credentials: X-Security-Token is added before signing and is signed", () => {
    const headers = signRequest({ method: "GET", path: "/x", query: "", headers: {} }, { accessKey: "AK", secretKey: "SK", securityToken: "tok" }, new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
    expect(headers["x-sdk-date"]).toBe("20260102T030405Z");
    expect(headers["x-security-token"]).toBe("tok");
    expect(parseAuthorizationHeader(headers.authorization)?.signedHeaders).toBe("x-sdk-date;x-security-token");
  });
});
