/**
 * Every emulated route: happy path and documented errors (dli-api.md §1, §2, §3, §4.3).
 * Requests are signed by lib/runtime/signer's signRequest, as the runtime does.
 */
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { json, obs, send, signedSend, tokenRequest } from "./support/client";

let emulator: RunningEmulator;
let base: string;
const upload = (kindPath: string, body: unknown) => signedSend(emulator, json("POST", `${base}${kindPath}`, body));

beforeAll(async () => {
  emulator = await startEmulator({ users: [{ name: "dli-local", password: "pw" }, { name: "new_owner1", password: "pw2" }] });
  base = `/v2.0/${emulator.env.HW_PROJECT_ID}/resources`;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("POST resources/files|jars|pyfiles (dli-api.md §1.1)", () => {
  test.each([
    ["/files", "file"],
    ["/jars", "jar"],
    ["/pyfiles", "pyFile"],
  ])("POST resources%s answers 201 with the group; package name = last path segment", async (kindPath, kind) => {
    const before = Date.now();
    const reply = await upload(kindPath, { paths: [obs("dir/a.jar"), obs("b.py")], group: "g1" });
    expect(reply.status).toBe(201);
    expect(reply.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(reply.json).toMatchObject({
      group_name: "g1",
      status: "READY",
      resources: ["a.jar", "b.py"],
      is_async: false,
      owner: "dli-local",
      details: [
        { resource_name: "a.jar", resource_type: kind, status: "READY", underlying_name: "a.jar", is_async: false },
        { resource_name: "b.py", resource_type: kind, status: "READY", underlying_name: "b.py" },
      ],
    });
    // Times are epoch milliseconds (dli-api.md §1.1).
    expect(reply.json.create_time).toBeGreaterThanOrEqual(before);
    expect(reply.json.details[0].create_time).toBeLessThanOrEqual(Date.now());
    expect(emulator.groups()).toEqual([
      expect.objectContaining({ group: "g1", packages: [expect.objectContaining({ name: "a.jar", kind, status: "READY", path: obs("dir/a.jar") }), expect.objectContaining({ name: "b.py" })] }),
    ]);
  });

  test.each([
    ["no group", { paths: [obs("a.jar")] }, /group/],
    ["a group name with a space", { paths: [obs("a.jar")], group: "a b" }, /group/],
    ["a 65-character group", { paths: [obs("a.jar")], group: "g".repeat(65) }, /group/],
    ["no paths", { group: "g" }, /paths/],
    ["empty paths", { paths: [], group: "g" }, /paths/],
    ["a path that is not a URL", { paths: ["a.jar"], group: "g" }, /paths\[0\].*not a URL/],
    ["a path ending in /", { paths: [obs("dir/")], group: "g" }, /paths\[0\]/],
    ["a package name starting with '.'", { paths: [obs(".hidden")], group: "g" }, /paths\[0\]/],
    ["two paths with one name", { paths: [obs("x/a.jar"), obs("y/a.jar")], group: "g" }, /paths\[1\].*unique/],
    ["a non-object body", ["a"], /JSON object/],
  ])("%s → 400 DLI.0001 naming the field", async (_name, body, message) => {
    const reply = await upload("/files", body);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error_code: "DLI.0001", error_msg: expect.stringMatching(message) });
    expect(emulator.groups()).toEqual([]);
  });

  test("every problem is reported at once", async () => {
    const reply = await upload("/jars", { paths: ["nope"], group: "bad group" });
    expect(reply.json.error_msg).toMatch(/group.*; paths\[0\]/);
  });

  test("obs:// paths are accepted by default and refused with acceptObsScheme: false", async () => {
    expect((await upload("/files", { paths: ["obs://bucket/k/a.csv"], group: "g" })).status).toBe(201);
    emulator.configure({ acceptObsScheme: false });
    try {
      const reply = await upload("/files", { paths: ["obs://bucket/k/a.csv"], group: "g" });
      expect(reply.status).toBe(400);
      expect(reply.json.error_msg).toMatch(/scheme obs:/);
    } finally {
      emulator.configure({ acceptObsScheme: true });
    }
  });
});

describe("POST resources, generic (dli-api.md §1.2)", () => {
  test("kind, is_async (string form too) and tags are taken from the body", async () => {
    const reply = await upload("", {
      kind: "modelFile",
      paths: [obs("m.bin")],
      group: "models",
      is_async: "true",
      tags: [{ key: "team", value: "data" }],
    });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ group_name: "models", is_async: true, details: [{ resource_type: "modelFile", is_async: true }] });
  });

  test.each([
    ["a missing kind", { paths: [obs("a")], group: "g" }, /kind/],
    ["an unknown kind", { kind: "zip", paths: [obs("a")], group: "g" }, /kind/],
    ["a non-boolean is_async", { kind: "file", paths: [obs("a")], group: "g", is_async: 3 }, /is_async/],
    ["a _sys_ tag key", { kind: "file", paths: [obs("a")], group: "g", tags: [{ key: "_sys_x", value: "v" }] }, /tags\[0\]\.key/],
    ["an empty tag value", { kind: "file", paths: [obs("a")], group: "g", tags: [{ key: "k", value: "" }] }, /tags\[0\]\.value/],
    ["21 tags", { kind: "file", paths: [obs("a")], group: "g", tags: Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, value: "v" })) }, /at most 20/],
  ])("%s → 400 DLI.0001", async (_name, body, message) => {
    const reply = await upload("", body);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error_code: "DLI.0001", error_msg: expect.stringMatching(message) });
  });
});

describe("GET resources (dli-api.md §1.3)", () => {
  beforeEach(async () => {
    await upload("/jars", { paths: [obs("u.jar")], group: "udfs" });
    await upload("/files", { paths: [obs("a.csv"), obs("b.csv")], group: "data" });
    await upload("", { kind: "pyFile", paths: [obs("h.py")], group: "py", tags: [{ key: "team", value: "x" }] });
  });

  test("lists every group with details; total counts packages", async () => {
    const reply = await signedSend(emulator, { method: "GET", path: base });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ total: 4, resources: [], modules: [] });
    expect(reply.json.groups.map((g: any) => [g.group_name, g.resources])).toEqual([
      ["udfs", ["u.jar"]],
      ["data", ["a.csv", "b.csv"]],
      ["py", ["h.py"]],
    ]);
    expect(reply.json.groups[1].details[0]).toMatchObject({ resource_name: "a.csv", resource_type: "file", status: "READY", owner: "dli-local" });
  });

  test("kind filters packages (groups without a match are left out)", async () => {
    const reply = await signedSend(emulator, { method: "GET", path: `${base}?kind=jar` });
    expect(reply.json.total).toBe(1);
    expect(reply.json.groups.map((g: any) => g.group_name)).toEqual(["udfs"]);
  });

  test("tags filters packages: key=value or key", async () => {
    for (const filter of ["team%3Dx", "team"]) {
      const reply = await signedSend(emulator, { method: "GET", path: `${base}?tags=${filter}` });
      expect(reply.json.groups.map((g: any) => g.group_name)).toEqual(["py"]);
    }
  });

  test("an unknown kind → 400 DLI.0001", async () => {
    const reply = await signedSend(emulator, { method: "GET", path: `${base}?kind=zip` });
    expect(reply.status).toBe(400);
    expect(reply.json.error_code).toBe("DLI.0001");
  });
});

describe("GET resources/{resource_name}?group= (dli-api.md §1.4)", () => {
  beforeEach(() => upload("/files", { paths: [obs("a.csv")], group: "data" }));

  test("answers 200 with the package, with and without group", async () => {
    for (const path of [`${base}/a.csv?group=data`, `${base}/a.csv`]) {
      const reply = await signedSend(emulator, { method: "GET", path });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({
        create_time: expect.any(Number),
        update_time: expect.any(Number),
        resource_type: "file",
        resource_name: "a.csv",
        status: "READY",
        underlying_name: "a.csv",
        owner: "dli-local",
      });
    }
  });

  test("a missing package → 404 DLI.0023; in another group too", async () => {
    for (const path of [`${base}/nope.csv`, `${base}/a.csv?group=other`]) {
      const reply = await signedSend(emulator, { method: "GET", path });
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual({ error_code: "DLI.0023", error_msg: expect.stringMatching(/no resource named/) });
    }
  });

  test("missingPackageStatus: 400 answers 400 DLI.0002 instead (the unverified alternative)", async () => {
    emulator.configure({ missingPackageStatus: 400 });
    try {
      const reply = await signedSend(emulator, { method: "GET", path: `${base}/nope.csv` });
      expect([reply.status, reply.json.error_code]).toEqual([400, "DLI.0002"]);
    } finally {
      emulator.configure({ missingPackageStatus: 404 });
    }
  });
});

describe("DELETE resources/{resource_name}?group= (dli-api.md §1.5)", () => {
  beforeEach(() => upload("/files", { paths: [obs("a.csv"), obs("b.csv")], group: "data" }));

  test("answers 200 with no body; the group keeps its other packages", async () => {
    const reply = await signedSend(emulator, { method: "DELETE", path: `${base}/a.csv?group=data` });
    expect([reply.status, reply.text]).toEqual([200, ""]);
    expect(emulator.groups()[0].packages.map((p) => p.name)).toEqual(["b.csv"]);
  });

  test("deleting the last package makes the group disappear", async () => {
    await signedSend(emulator, { method: "DELETE", path: `${base}/a.csv?group=data` });
    await signedSend(emulator, { method: "DELETE", path: `${base}/b.csv?group=data` });
    expect(emulator.groups()).toEqual([]);
    const list = await signedSend(emulator, { method: "GET", path: base });
    expect(list.json.groups).toEqual([]);
  });

  test("keepEmptyGroups keeps an emptied group (the unverified alternative)", async () => {
    emulator.configure({ keepEmptyGroups: true });
    try {
      await signedSend(emulator, { method: "DELETE", path: `${base}/a.csv?group=data` });
      await signedSend(emulator, { method: "DELETE", path: `${base}/b.csv?group=data` });
      expect(emulator.groups()).toEqual([expect.objectContaining({ group: "data", packages: [] })]);
    } finally {
      emulator.configure({ keepEmptyGroups: false });
    }
  });

  test("an absent package → 404 DLI.0023, also the second time", async () => {
    expect((await signedSend(emulator, { method: "DELETE", path: `${base}/a.csv?group=data` })).status).toBe(200);
    const again = await signedSend(emulator, { method: "DELETE", path: `${base}/a.csv?group=data` });
    expect(again.status).toBe(404);
    expect(again.json.error_code).toBe("DLI.0023");
  });

  test("without ?group=, a name in two groups is ambiguous → 400 DLI.0001", async () => {
    await upload("/files", { paths: [obs("a.csv")], group: "other" });
    const reply = await signedSend(emulator, { method: "DELETE", path: `${base}/a.csv` });
    expect(reply.status).toBe(400);
    expect(reply.json.error_msg).toMatch(/several groups/);
  });
});

describe("PUT resources/owner (dli-api.md §1.6)", () => {
  beforeEach(() => upload("/files", { paths: [obs("a.csv")], group: "data" }));

  test("changes the group owner, or one package's", async () => {
    const group = await signedSend(emulator, json("PUT", `${base}/owner`, { new_owner: "new_owner1", group_name: "data" }));
    expect([group.status, group.json]).toEqual([200, { is_success: true, message: "" }]);
    expect(emulator.groups()[0].owner).toBe("new_owner1");
    const pkg = await signedSend(emulator, json("PUT", `${base}/owner`, { new_owner: "new_owner1", group_name: "data", resource_name: "a.csv" }));
    expect(pkg.status).toBe(200);
    expect(emulator.groups()[0].packages[0].owner).toBe("new_owner1");
  });

  test("an unknown user → 400 DLI.0002 No such user", async () => {
    const reply = await signedSend(emulator, json("PUT", `${base}/owner`, { new_owner: "nobody_here", group_name: "data" }));
    expect([reply.status, reply.json]).toEqual([400, { error_code: "DLI.0002", error_msg: "No such user. userName:nobody_here" }]);
  });

  test("an absent group or package → 404 DLI.0023", async () => {
    for (const body of [
      { new_owner: "new_owner1", group_name: "none" },
      { new_owner: "new_owner1", group_name: "data", resource_name: "none.csv" },
    ]) {
      const reply = await signedSend(emulator, json("PUT", `${base}/owner`, body));
      expect([reply.status, reply.json.error_code]).toEqual([404, "DLI.0023"]);
    }
  });

  test("invalid fields → 400 DLI.0001 listing each", async () => {
    const reply = await signedSend(emulator, json("PUT", `${base}/owner`, { new_owner: "1abc", group_name: "a b", resource_name: ".x" }));
    expect(reply.status).toBe(400);
    expect(reply.json.error_msg).toMatch(/new_owner.*group_name.*resource_name/);
  });
});

describe("IAM (dli-api.md §3, §4.2)", () => {
  test("GET /v3/projects?name= returns the project of that region (signed)", async () => {
    const reply = await signedSend(emulator, { method: "GET", path: `/v3/projects?name=${emulator.env.HW_REGION_NAME}` });
    expect(reply.status).toBe(200);
    expect(reply.json.projects).toEqual([expect.objectContaining({ id: emulator.env.HW_PROJECT_ID, name: "cn-north-4", enabled: true })]);
    const none = await signedSend(emulator, { method: "GET", path: "/v3/projects?name=eu-west-0" });
    expect(none.json.projects).toEqual([]);
  });

  test("POST /v3/auth/tokens: 201, token in X-Subject-Token, expires after the lifetime", async () => {
    const reply = await send(emulator.url, json("POST", "/v3/auth/tokens", tokenRequest("dli-local", "pw")));
    expect(reply.status).toBe(201);
    expect(reply.headers["x-subject-token"]).toMatch(/^MII/);
    const { expires_at, issued_at, project } = reply.json.token;
    expect(Date.parse(expires_at) - Date.parse(issued_at)).toBe(86_400_000);
    expect(project.id).toBe(emulator.env.HW_PROJECT_ID);
  });

  test("a wrong password → 401 (Keystone body); a bad body → 400", async () => {
    const wrong = await send(emulator.url, json("POST", "/v3/auth/tokens", tokenRequest("dli-local", "nope")));
    expect([wrong.status, wrong.json.error.code]).toEqual([401, 401]);
    const bad = await send(emulator.url, json("POST", "/v3/auth/tokens", { auth: {} }));
    expect(bad.status).toBe(400);
  });
});

describe("gateway errors (dli-api.md §4.3)", () => {
  test("an unknown route or method → 404 APIGW.0101 with request_id = X-Request-Id", async () => {
    for (const [method, path] of [
      ["GET", "/v2.0/x/jobs"],
      ["PATCH", `${base}/a.csv`],
      ["GET", "/"],
    ]) {
      const reply = await send(emulator.url, { method, path });
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual({ error_code: "APIGW.0101", error_msg: expect.any(String), request_id: reply.headers["x-request-id"] });
    }
  });
});
