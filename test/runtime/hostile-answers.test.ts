/**
 * Lines built from service answers are bounded and escaped too (issue 11 §3 "bounded output"):
 * a hostile or broken endpoint (loopback here) answers error codes, request ids, group names and
 * project ids holding CR/LF, terminal escapes and 100 KB of text; the CLI still prints one
 * line of at most ~2 KB with every control character escaped.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { FAST_RETRIES, runCli, specEnv } from "./support/run-cli";

type Answer = (req: IncomingMessage) => { status: number; body: unknown };
let answer: Answer;
/** `METHOD path` of every request the hostile server received. */
const received: string[] = [];
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    received.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => {
      const { status, body } = answer(req);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const FORGED = "\r\ndli-packages: upload-group: done: forged line\u001b[31m\u2028";
const HUGE = "x".repeat(100_000);

const CASES: [string, "upload-group" | "delete-group", Record<string, string>, Answer][] = [
  [
    "an error code and request id with CR/LF and 100 KB",
    "upload-group",
    { HW_PROJECT_ID: "d1110ca1d1110ca1d1110ca1d1110ca1" },
    () => ({ status: 400, body: { error_code: `DLI.0001${FORGED}${HUGE}`, error_msg: "bad", request_id: `rid${FORGED}${HUGE}` } }),
  ],
  [
    "a listed group name with CR/LF and 100 KB in a malformed listing",
    "delete-group",
    { HW_PROJECT_ID: "d1110ca1d1110ca1d1110ca1d1110ca1" },
    () => ({ status: 200, body: { groups: [{ group_name: `gatk${FORGED}${HUGE}`, details: [{ resource_name: "a.jar" }] }] } }),
  ],
  [
    "IAM project ids with CR/LF and 100 KB",
    "delete-group",
    { HW_PROJECT_ID: "" },
    () => ({ status: 200, body: { projects: [{ id: `p1${FORGED}${HUGE}` }, { id: `p2${FORGED}` }] } }),
  ],
];

test.each(CASES)("%s: exit 1, one bounded line, control characters escaped", async (_what, command, extra, hostile) => {
  answer = hostile;
  const env = {
    ...specEnv(),
    ...FAST_RETRIES,
    HW_ACCESS_KEY: "HOSTILEANSWERSAK0001",
    HW_SECRET_KEY: "hostile-answers-sk",
    HW_DLI_ENDPOINT: endpoint,
    HW_IAM_ENDPOINT: endpoint,
    ...extra,
  };
  const result = await runCli([command], env);
  expect(result.code).toBe(1);
  const lines = result.stderr.split("\n").filter((line) => line !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^dli-packages: ${command}: error: `));
  expect(lines[0]).toContain("\\r\\ndli-packages: upload-group: done: forged line\\u001b[31m\\u2028");
  expect(Buffer.byteLength(lines[0])).toBeLessThanOrEqual(2100);
  // eslint-disable-next-line no-control-regex
  expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
});

test("an upload answer about another group (READY, listing that group's packages) is refused: no DELETE is sent", async () => {
  received.length = 0;
  answer = (req) =>
    req.method === "POST"
      ? { status: 201, body: { group_name: "victim", status: "READY", resources: ["v.jar"], details: [{ resource_name: "v.jar", status: "READY" }] } }
      : { status: 200, body: { groups: [] } };
  const result = await runCli(["upload-group"], {
    ...specEnv(),
    ...FAST_RETRIES,
    HW_ACCESS_KEY: "HOSTILEANSWERSAK0001",
    HW_SECRET_KEY: "hostile-answers-sk",
    HW_DLI_ENDPOINT: endpoint,
    HW_PROJECT_ID: "d1110ca1d1110ca1d1110ca1d1110ca1",
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/unexpected response: "group_name" is "victim", expected "gatk"/);
  expect(received.filter((r) => r.startsWith("DELETE"))).toEqual([]);
});
