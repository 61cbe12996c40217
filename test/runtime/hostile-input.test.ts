/**
 * Hostile input is refused before any request, in one bounded line (issue 11 §3): each value
 * below is given to the real bundled CLI against the emulator; every run must exit 2, print one
 * line (≤ 2 KB) and nothing else (≤ 4 KB in all), and the emulator must have seen no request.
 * Remote hosts are TEST-NET-3 addresses (203.0.113.0/24, RFC 5737): nothing answers there, so a
 * value that slipped through would hang or fail with exit 1, not pass.
 */
import { SPEC_ENV, TRIGGER_KEYS } from "../../lib/contract";
import { RunningEmulator } from "../../lib/emulator";
import { fullEnv, OBS, runCli, specEnv, startTestEmulator } from "./support/run-cli";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const PROJECT = "d1110ca1d1110ca1d1110ca1d1110ca1";
const DLI = "https://dli.cn-north-4.myhuaweicloud.com";
const paths = (...list: string[]) => ({ DLI_PACKAGES_PATHS: JSON.stringify(list) });
const obs = (rest: string) => `https://runtime-bucket.obs.cn-north-4.myhuaweicloud.com/${rest}`;

// [what, command, environment overrides, what the line must name]
const HOSTILE: [string, "upload-group" | "delete-group", Record<string, string>, RegExp][] = [
  // endpoint overrides follow the spec endpoint's rule
  ["HW_DLI_ENDPOINT on a remote plain-http host", "upload-group", { HW_DLI_ENDPOINT: "http://203.0.113.7" }, /HW_DLI_ENDPOINT: "http:\/\/203\.0\.113\.7" — an https:\/\/ URL/],
  ["HW_DLI_ENDPOINT remote http, with HW_AUTH_TOKEN (no token in clear text)", "upload-group", { HW_DLI_ENDPOINT: "http://203.0.113.7:80", HW_AUTH_TOKEN: "token-that-must-not-travel", HW_ACCESS_KEY: "", HW_SECRET_KEY: "" }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT on a remote name over http", "delete-group", { HW_DLI_ENDPOINT: "http://dli.example.com:8080" }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT with user info", "upload-group", { HW_DLI_ENDPOINT: "https://user:pw@dli.cn-north-4.myhuaweicloud.com" }, /HW_DLI_ENDPOINT.*without user info/],
  ["HW_DLI_ENDPOINT with a path", "upload-group", { HW_DLI_ENDPOINT: `${DLI}/v2.0` }, /HW_DLI_ENDPOINT.*without path/],
  ["HW_DLI_ENDPOINT with a query", "upload-group", { HW_DLI_ENDPOINT: `${DLI}/?x=1` }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT with a fragment", "upload-group", { HW_DLI_ENDPOINT: `${DLI}/#top` }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT with an empty fragment", "upload-group", { HW_DLI_ENDPOINT: `${DLI}/#` }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT with CRLF and a header", "upload-group", { HW_DLI_ENDPOINT: `${DLI}\r\nX-Injected: 1` }, /HW_DLI_ENDPOINT: "https:\/\/dli\.cn-north-4\.myhuaweicloud\.com\\r\\nX-Injected: 1"/],
  ["HW_DLI_ENDPOINT with a leading space", "upload-group", { HW_DLI_ENDPOINT: ` ${DLI}` }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT loopback look-alike", "upload-group", { HW_DLI_ENDPOINT: "http://127.0.0.1.evil.example:8080" }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT ftp", "upload-group", { HW_DLI_ENDPOINT: "ftp://x" }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT javascript:", "upload-group", { HW_DLI_ENDPOINT: "javascript:alert(1)" }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT with an empty user info (the URL parser drops it)", "upload-group", { HW_DLI_ENDPOINT: "https://:@dli.cn-north-4.myhuaweicloud.com" }, /HW_DLI_ENDPOINT.*without user info/],
  ["HW_DLI_ENDPOINT loopback with an empty user name", "delete-group", { HW_DLI_ENDPOINT: "http://@127.0.0.1:9" }, /HW_DLI_ENDPOINT: "http:\/\/@127\.0\.0\.1:9"/],
  ["HW_DLI_ENDPOINT with a 100 KB host name", "upload-group", { HW_DLI_ENDPOINT: `https://${"h".repeat(100_000)}` }, /HW_DLI_ENDPOINT: "https:\/\/hhhh.*… \(100010 chars\).*at most 253 characters/],
  ["HW_DLI_ENDPOINT loopback look-alike localhost.evil.com", "upload-group", { HW_DLI_ENDPOINT: "http://localhost.evil.com" }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT loopback look-alike 127.0.0.1.nip.io", "upload-group", { HW_DLI_ENDPOINT: "http://127.0.0.1.nip.io" }, /HW_DLI_ENDPOINT/],
  ["HW_DLI_ENDPOINT with a Unicode line separator", "upload-group", { HW_DLI_ENDPOINT: `${DLI}\u2028x` }, /HW_DLI_ENDPOINT: "https:\/\/dli\.cn-north-4\.myhuaweicloud\.com\\u2028x"/],
  ["HW_IAM_ENDPOINT on a remote plain-http host (checked even when unused)", "upload-group", { HW_IAM_ENDPOINT: "http://203.0.113.8" }, /HW_IAM_ENDPOINT: "http:\/\/203\.0\.113\.8"/],
  ["HW_IAM_ENDPOINT with a path", "delete-group", { HW_IAM_ENDPOINT: "https://iam.example.com/v3" }, /HW_IAM_ENDPOINT/],
  ["the spec's endpoint on a remote plain-http host", "upload-group", { DLI_PACKAGES_ENDPOINT: "http://203.0.113.9", HW_DLI_ENDPOINT: "" }, /DLI_PACKAGES_ENDPOINT/],
  // credentials go into headers: a control character is refused by name (never by value), not left to undici
  ["HW_AUTH_TOKEN with CR LF and a header", "upload-group", { HW_AUTH_TOKEN: "token-that-must-not-travel\r\nX-Injected: 1", HW_ACCESS_KEY: "", HW_SECRET_KEY: "" }, /HW_AUTH_TOKEN holds a character that cannot be sent/],
  ["HW_AUTH_TOKEN with a Unicode line separator", "delete-group", { HW_AUTH_TOKEN: "token-that-must-not-travel\u2028x", HW_ACCESS_KEY: "", HW_SECRET_KEY: "" }, /HW_AUTH_TOKEN holds/],
  ["HW_SECURITY_TOKEN with CR LF", "upload-group", { HW_SECURITY_TOKEN: "security-token-that-must-not-travel\r\nX-Injected: 1" }, /HW_SECURITY_TOKEN holds/],
  ["HW_ACCESS_KEY with a comma (an extra Authorization field)", "upload-group", { HW_ACCESS_KEY: "AK, SignedHeaders=host" }, /HW_ACCESS_KEY holds.* or ','/],
  ["HW_SECRET_KEY with a C0 control (SOH)", "delete-group", { HW_SECRET_KEY: "sk\u0001x" }, /HW_SECRET_KEY holds/],
  // project id from the environment: the spec's rule
  ["HW_PROJECT_ID as a path traversal", "upload-group", { HW_PROJECT_ID: "../../v3/auth/tokens" }, /HW_PROJECT_ID: "\.\.\/\.\.\/v3\/auth\/tokens" — 32 lower-case hexadecimal/],
  ["HW_PROJECT_ID with CRLF and a header", "upload-group", { HW_PROJECT_ID: `${PROJECT}\r\nX-Injected: 1` }, /HW_PROJECT_ID: "d1110ca1d1110ca1d1110ca1d1110ca1\\r\\nX-Injected: 1"/],
  ["HW_PROJECT_ID with a trailing newline", "delete-group", { HW_PROJECT_ID: `${PROJECT}\n` }, /HW_PROJECT_ID/],
  ["HW_PROJECT_ID upper case", "upload-group", { HW_PROJECT_ID: PROJECT.toUpperCase() }, /HW_PROJECT_ID/],
  ["HUAWEICLOUD_SDK_PROJECT_ID percent-encoded dots", "upload-group", { HW_PROJECT_ID: "", HUAWEICLOUD_SDK_PROJECT_ID: "%2e%2e" }, /HUAWEICLOUD_SDK_PROJECT_ID: "%2e%2e"/],
  ["HW_PROJECT_ID hostile while the spec's project id would win", "upload-group", { HW_PROJECT_ID: "x/../y", DLI_PACKAGES_PROJECT_ID: PROJECT }, /HW_PROJECT_ID/],
  // OBS paths, exactly as they will be sent
  ["a '..' segment", "upload-group", paths(obs("j/../../etc/x.jar")), /DLI_PACKAGES_PATHS\[0\].*no '\.' or '\.\.' segments/],
  ["a '.' segment", "upload-group", paths(obs("j/./x.jar")), /no '\.' or '\.\.' segments/],
  ["a percent-encoded '..' segment", "upload-group", paths(obs("j/%2E%2e/x.jar")), /no '\.' or '\.\.' segments/],
  ["a percent-encoded '/'", "upload-group", paths(obs("a%2Fb/x.jar")), /no percent-encoded '\/' or '\\'/],
  ["a percent-encoded '\\'", "upload-group", paths(obs("a%5cb/x.jar")), /no percent-encoded/],
  ["a raw backslash", "upload-group", paths(obs("a\\..\\b/x.jar")), /no backslash/],
  ["CR LF inside a folder", "upload-group", paths(obs("fold\r\ner/x.jar")), /no control characters.*"https:\/\/runtime-bucket\.obs\.cn-north-4\.myhuaweicloud\.com\/fold\\r\\ner\/x\.jar"|"https:\/\/runtime-bucket\.obs\.cn-north-4\.myhuaweicloud\.com\/fold\\r\\ner\/x\.jar".*no control characters/],
  ["NUL inside a folder", "upload-group", paths(obs("fold\u0000er/x.jar")), /\\u0000/],
  ["a tab inside a folder", "upload-group", paths(obs("fold\ter/x.jar")), /no control characters/],
  ["DEL inside a folder", "upload-group", paths(obs("fold\u007fer/x.jar")), /no control characters/],
  ["a C1 control (NEL) inside a folder", "upload-group", paths(obs("fold\u0085er/x.jar")), /no control characters.*\\u0085|\\u0085.*no control characters/],
  ["a Unicode line separator inside a folder", "upload-group", paths(obs("fold\u2028er/x.jar")), /\\u2028/],
  ["a percent-encoded Unicode line separator", "upload-group", paths(obs("a%E2%80%A8b/x.jar")), /no percent-encoded control characters/],
  ["a percent-encoded C1 control", "upload-group", paths(obs("a%c2%85b/x.jar")), /no percent-encoded control characters/],
  ["percent-encoded CR LF", "upload-group", paths(obs("a%0d%0ab/x.jar")), /no percent-encoded control characters/],
  ["CR LF in the package name", "upload-group", paths(obs("x.jar\r\nDLI_PACKAGES_GROUP=evil")), /no control characters/],
  ["a bucket in another region", "upload-group", paths("https://runtime-bucket.obs.ap-southeast-1.myhuaweicloud.com/x.jar"), /must be in the group's region cn-north-4/],
  ["a bucket on the .eu domain for cn-north-4", "upload-group", paths("https://runtime-bucket.obs.cn-north-4.myhuaweicloud.eu/x.jar"), /must be in the group's region cn-north-4: https:\/\/\{bucket\}\.obs\.cn-north-4\.myhuaweicloud\.com/],
  // wait timeout text forms name the value
  ["wait timeout 1e3", "upload-group", { DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: "1e3" }, /DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: "1e3" — a whole number of seconds/],
  ["wait timeout with CR LF", "upload-group", { DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: "60\r\n" }, /DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: "60\\r\\n"/],
  ["wait timeout negative", "upload-group", { DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: "-5" }, /DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: "-5"/],
  ["wait timeout of 20 digits", "upload-group", { DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: "99999999999999999999" }, /DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: 100000000000000000000|DLI_PACKAGES_WAIT_TIMEOUT_SECONDS: "99999999999999999999"/],
  // retry variables have upper bounds (a huge value overflows Node's timer)
  ["retry base beyond the timer", "upload-group", { DLI_PACKAGES_RETRY_BASE_MS: "99999999999" }, /DLI_PACKAGES_RETRY_BASE_MS: "99999999999" must be a whole number from 0 to 60000/],
  ["1,000 attempts", "delete-group", { DLI_PACKAGES_MAX_ATTEMPTS: "1000" }, /DLI_PACKAGES_MAX_ATTEMPTS: "1000" must be a whole number from 1 to 100/],
  ["total time in exponent form", "upload-group", { DLI_PACKAGES_RETRY_TOTAL_MS: "1e9" }, /DLI_PACKAGES_RETRY_TOTAL_MS: "1e9"/],
  ["a zero request timeout", "upload-group", { DLI_PACKAGES_REQUEST_TIMEOUT_MS: "0" }, /DLI_PACKAGES_REQUEST_TIMEOUT_MS: "0" must be a whole number from 1 to 600000/],
  ["a negative max delay", "upload-group", { DLI_PACKAGES_RETRY_MAX_DELAY_MS: "-1" }, /DLI_PACKAGES_RETRY_MAX_DELAY_MS: "-1"/],
  ["a retry variable with CR LF", "upload-group", { DLI_PACKAGES_RETRY_TOTAL_MS: "5000\r\nX: y" }, /DLI_PACKAGES_RETRY_TOTAL_MS: "5000\\r\\nX: y"/],
  // bounded output
  ["2,000 invalid paths: ten problems, then how many more", "upload-group", paths(...Array.from({ length: 2000 }, (_, i) => `obs://bucket/${i}.jar`)), /… and 1990 more$/],
  ["a 100 KB group name with CR LF", "upload-group", { DLI_PACKAGES_GROUP: `evil\r\n${"g".repeat(100_000)}` }, /DLI_PACKAGES_GROUP: "evil\\r\\ngggg.*… \(100010 chars\)/],
  ["a 100 KB group name for delete-group", "delete-group", { DLI_PACKAGES_GROUP: "g".repeat(100_000) }, /DLI_PACKAGES_GROUP/],
  // DLI_PACKAGES_SPEC, the one variable the provisioners set (it wins over the per-field ones)
  ["DLI_PACKAGES_SPEC not JSON, 100 KB with CR LF", "upload-group", { DLI_PACKAGES_SPEC: `{\r\n${"s".repeat(100_000)}` }, /DLI_PACKAGES_SPEC: "\{\\r\\nssss.*… \(100007 chars\) — a JSON object of the spec's trigger keys/],
  ["DLI_PACKAGES_SPEC a JSON array", "delete-group", { DLI_PACKAGES_SPEC: '["gatk"]' }, /DLI_PACKAGES_SPEC: "\[\\"gatk\\"\]" — a JSON object/],
  ["DLI_PACKAGES_SPEC with 5,000 unknown keys with line breaks", "upload-group", { DLI_PACKAGES_SPEC: JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}\n\u001b[2J`, "x"]))) }, /DLI_PACKAGES_SPEC: "k0\\n\\u001b\[2J" — an unknown key.*… and 4990 more$/],
  ["DLI_PACKAGES_SPEC with a 100 KB group name with CR LF", "delete-group", { DLI_PACKAGES_SPEC: JSON.stringify({ spec_version: "1", kind: "jar", group: `evil\r\n${"g".repeat(100_000)}`, region: "cn-north-4" }) }, /DLI_PACKAGES_SPEC\.group: "evil\\r\\ngggg.*… \(100010 chars\)/],
  ["DLI_PACKAGES_SPEC with a path list that is not a string", "upload-group", { DLI_PACKAGES_SPEC: JSON.stringify({ ...specTriggers(), paths: [obs("a.jar")] }) }, /DLI_PACKAGES_SPEC\.paths: \["https:.*"\] — a string/],
  ["DLI_PACKAGES_SPEC with a '..' path, the per-field variables valid", "upload-group", { DLI_PACKAGES_SPEC: JSON.stringify({ ...specTriggers(), paths: JSON.stringify([obs("j/../../etc/x.jar")]) }) }, /DLI_PACKAGES_SPEC\.paths\[0\].*no '\.' or '\.\.' segments/],
];

/** The content triggers of the valid base spec (what jsonencode(self.triggers_replace) would hold). */
function specTriggers(): Record<string, string> {
  const env = specEnv();
  return Object.fromEntries(Object.entries(TRIGGER_KEYS).map(([field, key]) => [key, env[SPEC_ENV[field as keyof typeof SPEC_ENV]] ?? ""]));
}

describe(`${HOSTILE.length} hostile values: exit 2, one line, no request`, () => {
  test.each(HOSTILE)("%s", async (_what, command, overrides, names) => {
    // GIVEN an otherwise valid environment with one hostile value
    const env = fullEnv(emulator, {}, overrides);
    // WHEN the command runs
    const result = await runCli([command], env);
    // THEN it refuses with exit 2, one bounded line naming the value, and sends nothing
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: "" });
    const lines = result.stderr.split("\n").filter((line) => line !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^dli-packages: (upload|delete)-group: error: /);
    expect(lines[0]).toMatch(names);
    expect(Buffer.byteLength(lines[0])).toBeLessThanOrEqual(2100);
    expect(Buffer.byteLength(result.stdout + result.stderr)).toBeLessThanOrEqual(4096);
    expect(emulator.requests()).toEqual([]);
  });
});

test("the done: summary of a 300-package group lists 20 names, then how many more", async () => {
  const many = Array.from({ length: 300 }, (_, i) => OBS(`p-${i}.jar`));
  const result = await runCli(["upload-group"], fullEnv(emulator, { paths: many }));
  expect(result.code).toBe(0);
  const done = result.stderr.split("\n").find((line) => line.includes(": done: "))!;
  expect(done).toMatch(/done: group gatk = p-0\.jar, p-1\.jar, .*p-19\.jar, … and 280 more \(verified\)/);
  expect(Buffer.byteLength(done)).toBeLessThanOrEqual(2048);
  expect(result.stderr.split("\n").every((line) => Buffer.byteLength(line) <= 2048)).toBe(true);
});

test("the spec is checked with the same rules when run by hand: specEnv alone is valid", () => {
  // guards the table above: its base environment is valid, so each refusal is the hostile value's
  expect(specEnv().DLI_PACKAGES_PATHS).toContain("runtime-bucket.obs.cn-north-4");
});
