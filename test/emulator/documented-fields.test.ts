/**
 * Every emulated answer carries exactly the fields the service documents for its operation
 * (shared/reference/dli-api.md §1, §3, §4.2), so a client tested against dli-local cannot come
 * to rely on a field DLI never sends. A new field in an answer fails here until it is added to
 * the table with its source; a documented field the emulator stops sending fails too.
 */
import { RunningEmulator, startEmulator } from "../../lib/emulator";
import { json, obs, send, signedSend, tokenRequest } from "./support/client";

/** One object shape: its documented fields, and the documented ones the emulator leaves out (with why). */
interface Shape {
  readonly source: string;
  readonly documented: readonly string[];
  readonly notEmulated?: Readonly<Record<string, string>>;
}

const PACKAGE_RESOURCE = ["create_time", "update_time", "resource_type", "resource_name", "status", "underlying_name", "owner"];
const UPLOAD_RESPONSE: Shape = {
  source: "§1.1 response, GO model_upload_file_job_resources_response.go",
  documented: ["group_name", "status", "resources", "details", "create_time", "update_time", "is_async", "owner", "description", "module_name", "module_type"],
  notEmulated: { description: "set only for built-in modules", module_name: "built-in modules only", module_type: "built-in modules only" },
};

/** The documented fields per operation and nested shape. */
const DOCUMENTED: Readonly<Record<string, Shape>> = {
  "upload response": UPLOAD_RESPONSE,
  "upload details[]": {
    source: "§1.1 details[], GO model_upload_job_resources_detail.go",
    documented: ["create_time", "update_time", "resource_type", "resource_name", "status", "underlying_name", "is_async"],
  },
  "generic upload response": { ...UPLOAD_RESPONSE, source: "§1.2 response, GO model_upload_job_resources_response.go" },
  "list response": {
    source: "§1.3, GO model_list_job_resources_response.go",
    documented: ["total", "resources", "modules", "groups"],
  },
  "list groups[]": {
    source: "§1.3 PackageResourceGroup",
    documented: ["group_name", "status", "resources", "details", "create_time", "update_time", "owner", "is_async"],
  },
  "list groups[].details[]": { source: "§1.3 PackageResource", documented: PACKAGE_RESOURCE },
  "show response": { source: "§1.4, GO model_show_job_resource_response.go", documented: PACKAGE_RESOURCE },
  "owner response": { source: "§1.6 response", documented: ["is_success", "message"] },
  "IAM projects response": { source: "§3 KeystoneListProjects", documented: ["projects", "links"] },
  "IAM projects[]": {
    source: "§3 KeystoneListProjects",
    documented: ["id", "name", "domain_id", "parent_id", "is_domain", "enabled", "description", "links"],
  },
  "IAM token response": { source: "§4.2 body {token: …}", documented: ["token"] },
  "IAM token": {
    source: "§4.2; Huawei IAM iam_30_0001 response table `token`",
    documented: ["catalog", "domain", "expires_at", "issued_at", "methods", "project", "roles", "user"],
    notEmulated: { domain: "only in domain-scoped tokens; DLI needs project scope", roles: "the emulator has no role model" },
  },
};

/** Keys the emulator must send: documented minus not emulated, sorted. */
function expectedKeys(name: string): string[] {
  const shape = DOCUMENTED[name];
  return shape.documented.filter((field) => !(field in (shape.notEmulated ?? {}))).sort();
}

const keysOf = (value: unknown) => Object.keys(value as object).sort();

let emulator: RunningEmulator;
let base: string;

beforeAll(async () => {
  emulator = await startEmulator({ users: [{ name: "dli-local", password: "pw" }, { name: "new_owner1", password: "pw2" }] });
  base = `/v2.0/${emulator.env.HW_PROJECT_ID}/resources`;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("each answer has exactly the documented fields (dli-api.md)", () => {
  test.each([
    ["/files", "file"],
    ["/jars", "jar"],
    ["/pyfiles", "pyFile"],
  ])("upload to resources%s: the group and each details[] item", async (kindPath) => {
    const reply = await signedSend(emulator, json("POST", `${base}${kindPath}`, { paths: [obs("a.jar"), obs("b.py")], group: "g" }));
    expect(reply.status).toBe(201);
    expect(keysOf(reply.json)).toEqual(expectedKeys("upload response"));
    expect(reply.json.details).toHaveLength(2);
    for (const item of reply.json.details) expect(keysOf(item)).toEqual(expectedKeys("upload details[]"));
  });

  test("generic upload (resources, with kind, is_async and tags)", async () => {
    const body = { kind: "modelFile", paths: [obs("m.bin")], group: "models", is_async: true, tags: [{ key: "team", value: "data" }] };
    const reply = await signedSend(emulator, json("POST", base, body));
    expect(reply.status).toBe(201);
    expect(keysOf(reply.json)).toEqual(expectedKeys("generic upload response"));
    for (const item of reply.json.details) expect(keysOf(item)).toEqual(expectedKeys("upload details[]"));
  });

  test("list: the answer, each groups[] item and each of its details[] items", async () => {
    await signedSend(emulator, json("POST", `${base}/jars`, { paths: [obs("u.jar")], group: "udfs" }));
    await signedSend(emulator, json("POST", base, { kind: "file", paths: [obs("a.csv")], group: "data", is_async: true }));
    const reply = await signedSend(emulator, { method: "GET", path: base });
    expect(reply.status).toBe(200);
    expect(keysOf(reply.json)).toEqual(expectedKeys("list response"));
    expect(reply.json.groups).toHaveLength(2);
    for (const group of reply.json.groups) {
      expect(keysOf(group)).toEqual(expectedKeys("list groups[]"));
      for (const item of group.details) expect(keysOf(item)).toEqual(expectedKeys("list groups[].details[]"));
    }
  });

  test("show one package", async () => {
    await signedSend(emulator, json("POST", base, { kind: "file", paths: [obs("a.csv")], group: "data", is_async: true }));
    const reply = await signedSend(emulator, { method: "GET", path: `${base}/a.csv?group=data` });
    expect(reply.status).toBe(200);
    expect(keysOf(reply.json)).toEqual(expectedKeys("show response"));
  });

  test("delete answers 200 with no body at all (dli-api.md §1.5)", async () => {
    await signedSend(emulator, json("POST", `${base}/files`, { paths: [obs("a.csv")], group: "data" }));
    const reply = await signedSend(emulator, { method: "DELETE", path: `${base}/a.csv?group=data` });
    expect([reply.status, reply.text, reply.headers["content-length"]]).toEqual([200, "", "0"]);
  });

  test("change owner", async () => {
    await signedSend(emulator, json("POST", `${base}/files`, { paths: [obs("a.csv")], group: "data" }));
    const reply = await signedSend(emulator, json("PUT", `${base}/owner`, { new_owner: "new_owner1", group_name: "data" }));
    expect(reply.status).toBe(200);
    expect(keysOf(reply.json)).toEqual(expectedKeys("owner response"));
  });

  test("IAM: list projects and each projects[] item", async () => {
    const reply = await signedSend(emulator, { method: "GET", path: `/v3/projects?name=${emulator.env.HW_REGION_NAME}` });
    expect(reply.status).toBe(200);
    expect(keysOf(reply.json)).toEqual(expectedKeys("IAM projects response"));
    expect(reply.json.projects).toHaveLength(1);
    expect(keysOf(reply.json.projects[0])).toEqual(expectedKeys("IAM projects[]"));
  });

  test("IAM: create a token", async () => {
    const reply = await send(emulator.url, json("POST", "/v3/auth/tokens", tokenRequest("dli-local", "pw")));
    expect(reply.status).toBe(201);
    expect(keysOf(reply.json)).toEqual(expectedKeys("IAM token response"));
    expect(keysOf(reply.json.token)).toEqual(expectedKeys("IAM token"));
  });
});

test("the table only leaves out fields it documents", () => {
  for (const [name, shape] of Object.entries(DOCUMENTED)) {
    for (const field of Object.keys(shape.notEmulated ?? {})) expect([name, shape.documented.includes(field)]).toEqual([name, true]);
  }
});
