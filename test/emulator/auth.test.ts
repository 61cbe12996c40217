/**
 * The authentication matrix (dli-api.md §4.1–§4.3): each way a request can fail to prove who
 * sent it answers 401 APIGW.0301 (or APIGW.0307 for an expired token), and a valid request
 * for a project the caller does not own answers 403 APIGW.0310.
 */
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { json, obs, Reply, send, SendOptions, signedHeaders, keyOf, signedSend, tokenRequest } from "./support/client";

const OTHER_PROJECT = "e".repeat(32);
const TEMP = { accessKey: "TEMPORARYACCESSKEY01", secretKey: "temporary-secret", securityToken: "security-token-value" };
const EXPIRED_TEMP = { accessKey: "EXPIREDACCESSKEY0001", secretKey: "expired-secret", securityToken: "old-token" };
let clock = Date.now();
let emulator: RunningEmulator;
let base: string;

beforeAll(async () => {
  emulator = await startEmulator({
    now: () => clock,
    projects: [{ id: OTHER_PROJECT, name: "ap-southeast-1" }],
    credentials: [
      { ...TEMP, projectIds: ["d1110ca1d1110ca1d1110ca1d1110ca1"] },
      { ...EXPIRED_TEMP, expiresAt: Date.now() - 1000 },
    ],
    tokenLifetimeSeconds: 3600,
  });
  base = `/v2.0/${emulator.env.HW_PROJECT_ID}/resources`;
});
afterAll(() => emulator.close());
beforeEach(() => {
  clock = Date.now();
  emulator.reset();
});

const uploadRequest = (): SendOptions => json("POST", `${base}/files`, { paths: [obs("a.jar")], group: "g" });
const expectGateway = (reply: Reply, status: number, code: string, message?: RegExp) => {
  expect(reply.status).toBe(status);
  expect(reply.json).toEqual({ error_code: code, error_msg: message ? expect.stringMatching(message) : expect.any(String), request_id: reply.headers["x-request-id"] });
};

describe("the auth matrix", () => {
  test("a correctly signed request is accepted (control case)", async () => {
    expect((await signedSend(emulator, uploadRequest())).status).toBe(201);
  });

  test("unsigned → 401 APIGW.0301", async () => {
    expectGateway(await send(emulator.url, uploadRequest()), 401, "APIGW.0301", /neither Authorization/);
    expect(emulator.groups()).toEqual([]);
  });

  test("tampered body → 401 APIGW.0301 verify aksk signature fail", async () => {
    const request = uploadRequest();
    const headers = signedHeaders(emulator.url, request, keyOf(emulator));
    const reply = await send(emulator.url, { ...request, headers, body: (request.body as string).replace("a.jar", "b.jar") });
    expectGateway(reply, 401, "APIGW.0301", /verify aksk signature fail/);
    expect(emulator.groups()).toEqual([]);
  });

  test("tampered query → 401 APIGW.0301", async () => {
    const request: SendOptions = { method: "GET", path: `${base}?kind=jar` };
    const headers = signedHeaders(emulator.url, request, keyOf(emulator));
    expectGateway(await send(emulator.url, { ...request, path: `${base}?kind=file`, headers }), 401, "APIGW.0301", /signature fail/);
  });

  test("tampered signed header → 401 APIGW.0301", async () => {
    const request = { ...uploadRequest(), headers: { "content-type": "application/json", "x-project-id": emulator.env.HW_PROJECT_ID } };
    const headers = signedHeaders(emulator.url, request, keyOf(emulator));
    expect(headers.authorization).toMatch(/SignedHeaders=content-type;host;x-project-id;x-sdk-date/);
    const reply = await send(emulator.url, { ...request, headers: { ...headers, "content-type": "application/json; charset=utf-8" } });
    expectGateway(reply, 401, "APIGW.0301", /signature fail/);
  });

  test("an unsigned header may change (clients differ in what they sign)", async () => {
    const request = uploadRequest();
    const headers = signedHeaders(emulator.url, { ...request, headers: {} }, keyOf(emulator), new Date(), { signHost: false });
    expect(headers.authorization).toMatch(/SignedHeaders=x-sdk-date,/);
    const reply = await send(emulator.url, { ...request, headers: { ...headers, "content-type": "application/json", "user-agent": "anything" } });
    expect(reply.status).toBe(201);
  });

  test.each([
    ["16 minutes behind", -16],
    ["16 minutes ahead", 16],
  ])("X-Sdk-Date %s → 401 APIGW.0301; 14 minutes is accepted", async (_name, minutes) => {
    const skewed = new Date(clock + minutes * 60_000);
    expectGateway(await signedSend(emulator, uploadRequest(), keyOf(emulator), skewed), 401, "APIGW.0301", /from server time/);
    const near = new Date(clock + Math.sign(minutes) * 14 * 60_000);
    expect((await signedSend(emulator, uploadRequest(), keyOf(emulator), near)).status).toBe(201);
  });

  test("unknown AK → 401 APIGW.0301 ak not exist", async () => {
    const reply = await signedSend(emulator, uploadRequest(), { accessKey: "UNKNOWNACCESSKEY0000", secretKey: "x" });
    expectGateway(reply, 401, "APIGW.0301", /ak:UNKNOWNACCESSKEY0000,err:ak not exist/);
  });

  test("wrong SK → 401 APIGW.0301", async () => {
    expectGateway(await signedSend(emulator, uploadRequest(), { accessKey: emulator.env.HW_ACCESS_KEY, secretKey: "wrong" }), 401, "APIGW.0301");
  });

  test("temporary credentials: accepted with their X-Security-Token", async () => {
    expect((await signedSend(emulator, uploadRequest(), TEMP)).status).toBe(201);
  });

  test("bad security token → 401 APIGW.0301 (wrong, missing, or sent with a permanent AK)", async () => {
    expectGateway(await signedSend(emulator, uploadRequest(), { ...TEMP, securityToken: "forged" }), 401, "APIGW.0301", /X-Security-Token is invalid/);
    expectGateway(await signedSend(emulator, uploadRequest(), { ...TEMP, securityToken: undefined }), 401, "APIGW.0301", /needs X-Security-Token/);
    expectGateway(await signedSend(emulator, uploadRequest(), { ...keyOf(emulator), securityToken: "x" }), 401, "APIGW.0301", /permanent access key/);
  });

  test("expired temporary credentials → 401 APIGW.0307", async () => {
    expectGateway(await signedSend(emulator, uploadRequest(), EXPIRED_TEMP), 401, "APIGW.0307");
  });

  test("X-Auth-Token from the emulated IAM is accepted until it expires, then 401 APIGW.0307", async () => {
    const issued = await send(emulator.url, json("POST", "/v3/auth/tokens", tokenRequest("dli-local", "dli-local-password")));
    const token = issued.headers["x-subject-token"] as string;
    const request = uploadRequest();
    const withToken = { ...request, headers: { ...request.headers, "x-auth-token": token } };
    expect((await send(emulator.url, withToken)).status).toBe(201);
    clock += 3600 * 1000;
    expectGateway(await send(emulator.url, withToken), 401, "APIGW.0307", /token must be updated/);
  });

  test("an X-Auth-Token the IAM never issued → 401 APIGW.0301", async () => {
    const request = uploadRequest();
    expectGateway(await send(emulator.url, { ...request, headers: { ...request.headers, "x-auth-token": "MIIforged" } }), 401, "APIGW.0301", /decrypt token fail/);
  });
});

describe("project ownership (403 APIGW.0310, dli-api.md §4.3)", () => {
  const otherBase = `/v2.0/${OTHER_PROJECT}/resources`;

  test("the main credentials may use every project of the account", async () => {
    expect((await signedSend(emulator, { method: "GET", path: otherBase })).status).toBe(200);
  });

  test("an unknown project id → 403 APIGW.0310", async () => {
    expectGateway(await signedSend(emulator, { method: "GET", path: `/v2.0/${"f".repeat(32)}/resources` }), 403, "APIGW.0310", /no such project/);
  });

  test("a credential limited to another project → 403 APIGW.0310", async () => {
    expectGateway(await signedSend(emulator, { method: "GET", path: otherBase }, TEMP), 403, "APIGW.0310", /no access/);
  });

  test("a token scoped to another project → 403 APIGW.0310", async () => {
    const issued = await send(emulator.url, json("POST", "/v3/auth/tokens", tokenRequest("dli-local", "dli-local-password")));
    const reply = await send(emulator.url, { method: "GET", path: otherBase, headers: { "x-auth-token": issued.headers["x-subject-token"] as string } });
    expectGateway(reply, 403, "APIGW.0310", /another project/);
  });

  test("X-Project-Id differing from the path → 403 APIGW.0310", async () => {
    const reply = await signedSend(emulator, { method: "GET", path: base, headers: { "x-project-id": OTHER_PROJECT } });
    expectGateway(reply, 403, "APIGW.0310", /X-Project-Id/);
  });

  test("state is per project", async () => {
    await signedSend(emulator, json("POST", `${otherBase}/files`, { paths: [obs("x.csv")], group: "g" }));
    expect((await signedSend(emulator, { method: "GET", path: base })).json.groups).toEqual([]);
    expect(emulator.groups()).toEqual([expect.objectContaining({ projectId: OTHER_PROJECT, group: "g" })]);
  });
});

describe("project resolution: 0, 1 or 2 matches", () => {
  test("GET /v3/projects?name= returns every project so named", async () => {
    const twice = await startEmulator({
      region: "cn-north-4",
      projects: [
        { id: "a".repeat(32), name: "eu-west-0" },
        { id: "b".repeat(32), name: "eu-west-0" },
      ],
    });
    try {
      const count = async (name: string) => (await signedSend(twice, { method: "GET", path: `/v3/projects?name=${name}` })).json.projects.length;
      expect([await count("ap-southeast-3"), await count("cn-north-4"), await count("eu-west-0")]).toEqual([0, 1, 2]);
    } finally {
      await twice.close();
    }
  });

  test("IAM GET /v3/projects requires a signature or token", async () => {
    const reply = await send(emulator.url, { method: "GET", path: "/v3/projects?name=cn-north-4" });
    expectGateway(reply, 401, "APIGW.0301");
  });
});

describe("AK lockout after consecutive failures (dli-api.md §4.1 step 8; off by default)", () => {
  test("with lockoutAfterFailures: 5, the 6th bad signature locks the AK for lockoutMs, even for good ones", async () => {
    let now = Date.now();
    const locking = await startEmulator({ now: () => now, lockoutAfterFailures: 5, lockoutMs: 300_000 });
    try {
      const bad = { ...keyOf(locking), secretKey: "wrong" };
      const list = (key = keyOf(locking)) => signedSend(locking, { method: "GET", path: `/v2.0/${locking.env.HW_PROJECT_ID}/resources` }, key, new Date(now));
      for (let i = 0; i < 5; i++) expect((await list(bad)).json.error_msg).toMatch(/signature fail/);
      expect((await list()).status).toBe(200); // a success resets the count
      for (let i = 0; i < 6; i++) await list(bad);
      const locked = await list();
      expect([locked.status, locked.json.error_code, locked.json.error_msg]).toEqual([401, "APIGW.0301", expect.stringMatching(/reach the limit,forbidden/)]);
      now += 300_000;
      expect((await list()).status).toBe(200);
    } finally {
      await locking.close();
    }
  });

  test("off by default: many failures never lock", async () => {
    for (let i = 0; i < 8; i++) await signedSend(emulator, { method: "GET", path: base }, { ...keyOf(emulator), secretKey: "wrong" });
    expect((await signedSend(emulator, { method: "GET", path: base }, undefined, new Date(clock))).status).toBe(200);
  });
});
