/** Credentials never show in any string form; endpoints follow region, spec and HW_* overrides. */
import { inspect } from "node:util";
import { credentialsFromEnvironment } from "../../lib/runtime/credentials";
import { defaultDliEndpoint, dliEndpoint, iamEndpoint } from "../../lib/runtime/endpoints";
import { CANARY } from "./support/run-cli";

test("credentials redact themselves in String(), JSON and util.inspect", () => {
  const credentials = credentialsFromEnvironment({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: CANARY.secretKey, HW_SECURITY_TOKEN: CANARY.securityToken });
  expect(credentials.kind).toBe("temporary-aksk");
  expect(credentials.source).toBe("HW_ACCESS_KEY/HW_SECRET_KEY/HW_SECURITY_TOKEN");
  for (const text of [String(credentials), JSON.stringify(credentials), inspect(credentials, { showHidden: true, depth: 5 }), JSON.stringify({ credentials })]) {
    expect(text).not.toContain(CANARY.secretKey);
    expect(text).not.toContain(CANARY.securityToken);
  }
});

test("a signed request carries X-Sdk-Date, X-Project-Id and X-Security-Token (signed), never the SK", () => {
  const credentials = credentialsFromEnvironment({ HUAWEICLOUD_SDK_AK: "AK", HUAWEICLOUD_SDK_SK: CANARY.secretKey, HUAWEICLOUD_SDK_SECURITY_TOKEN: CANARY.securityToken });
  const headers = credentials.authorize({ method: "GET", path: "/v2.0/p/resources", query: "", headers: { host: "h" }, projectId: "p" }, new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
  expect(headers["x-sdk-date"]).toBe("20260102T030405Z");
  expect(headers["x-project-id"]).toBe("p");
  expect(headers.authorization).toMatch(/^SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature=[0-9a-f]{64}$/);
  expect(JSON.stringify(headers)).not.toContain(CANARY.secretKey);
});

test("an identical set under both naming schemes is not a conflict", () => {
  expect(credentialsFromEnvironment({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK", HUAWEICLOUD_SDK_AK: "AK", HUAWEICLOUD_SDK_SK: "SK" }).kind).toBe("aksk");
});

test("default endpoints by region, eu-west-101 on .myhuaweicloud.eu", () => {
  expect(defaultDliEndpoint("cn-north-4")).toBe("https://dli.cn-north-4.myhuaweicloud.com");
  expect(defaultDliEndpoint("eu-west-101")).toBe("https://dli.eu-west-101.myhuaweicloud.eu");
  expect(iamEndpoint("eu-west-101", {}).href).toBe("https://iam.eu-west-101.myhuaweicloud.eu/");
});

test("HW_DLI_ENDPOINT overrides the spec's endpoint, which overrides the default", () => {
  expect(dliEndpoint("cn-north-4", undefined, {}).href).toBe("https://dli.cn-north-4.myhuaweicloud.com/");
  expect(dliEndpoint("cn-north-4", "https://dli.example.com", {}).href).toBe("https://dli.example.com/");
  expect(dliEndpoint("cn-north-4", "https://dli.example.com", { HW_DLI_ENDPOINT: "http://127.0.0.1:9" }).href).toBe("http://127.0.0.1:9/");
  expect(() => dliEndpoint("cn-north-4", undefined, { HW_DLI_ENDPOINT: "ftp://x" })).toThrow(/HW_DLI_ENDPOINT: "ftp:\/\/x" — an https:\/\/ URL without path, query or fragment/);
});
