/**
 * `delete-group --group G --region R [--project-id P] [--kind K] [--yes]` against dli-local: the
 * by-name delete runs the destroy provisioner's core; without a terminal it needs --yes (refused
 * before any request); on a terminal it asks first; --kind guards against the wrong group.
 */
import { RunningEmulator } from "../../lib/emulator";
import { ConfirmationIo, deleteGroupByName } from "../../lib/runtime/commands/delete-group-by-name";
import { fullEnv, groupsOf, OBS, runCli, startTestEmulator } from "./support/run-cli";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  for (const group of ["victim", "bystander"]) {
    const result = await runCli(["upload-group"], fullEnv(emulator, { group, paths: [OBS("a.jar"), OBS("b.jar")] }));
    expect(result.code).toBe(0);
  }
  emulator.clearRequests();
});

const byName = (...extra: string[]) => ["delete-group", "--group", "victim", "--region", "cn-north-4", ...extra];

test("--yes deletes every package of that group only, through the delete-group core", async () => {
  const result = await runCli(byName("--yes"), { ...emulator.env });
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(/delete-group group=victim: deleting group victim in project \w+ \(cn-north-4\): 2 packages \(a\.jar, b\.jar\)/);
  expect(result.stderr).toMatch(/deleted 2: a\.jar, b\.jar/);
  expect(groupsOf(emulator)).toEqual({ bystander: ["a.jar:READY", "b.jar:READY"] });
  expect(emulator.requests().filter((r) => r.method === "DELETE").map((r) => `${r.path.split("/").pop()}?${r.query}`)).toEqual(["a.jar?group=victim", "b.jar?group=victim"]);
});

test("without --yes and with stdin not a terminal: exit 2 before any request", async () => {
  const result = await runCli(byName(), { ...emulator.env });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/stdin is not a terminal, so nobody can confirm; add --yes to delete every package of group victim/);
  expect(emulator.requests()).toEqual([]);
  expect(groupsOf(emulator)).toHaveProperty("victim");
});

test("--kind that does not match the group's packages: exit 2, nothing deleted", async () => {
  const result = await runCli(byName("--kind", "pyFile", "--yes"), { ...emulator.env });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--kind pyFile: the group holds jar packages; check the group name, or drop --kind/);
  expect(emulator.requests().filter((r) => r.method === "DELETE")).toEqual([]);
});

test("a group that does not exist: exit 0, nothing to delete", async () => {
  const result = await runCli(["delete-group", "--group", "never", "--region", "cn-north-4", "--yes"], { ...emulator.env });
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(/group never not found in project \w+ \(cn-north-4\): nothing to delete/);
});

test("bad or missing flags: one usage line naming each, exit 2, no request", async () => {
  const result = await runCli(["delete-group", "--group", "a b", "--project-id", "../x", "--yes"], { ...emulator.env });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--group "a b" — .*; --region — required \(--region R\); --project-id "\.\.\/x" — /);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(emulator.requests()).toEqual([]);
});

describe("on a terminal", () => {
  const terminal = (answer: boolean, asked: string[]): ConfirmationIo => ({
    stdinIsTerminal: true,
    progress: () => undefined,
    confirm: async (question) => {
      asked.push(question);
      return answer;
    },
  });

  test("it shows what it will delete and deletes only on yes", async () => {
    const asked: string[] = [];
    const declined = await deleteGroupByName({ ...emulator.env }, { group: "victim", region: "cn-north-4" }, terminal(false, asked));
    expect(declined).toBe(1);
    expect(asked).toEqual([`delete every package of group victim in project ${emulator.env.HW_PROJECT_ID} (cn-north-4): 2 packages (a.jar, b.jar)? [y/N] `]);
    expect(groupsOf(emulator)).toHaveProperty("victim");

    const confirmed = await deleteGroupByName({ ...emulator.env }, { group: "victim", region: "cn-north-4" }, terminal(true, []));
    expect(confirmed).toBe(0);
    expect(groupsOf(emulator)).not.toHaveProperty("victim");
  });

  test("the question for a 300-package group lists 20 names, then how many more (one bounded line)", async () => {
    const many = Array.from({ length: 300 }, (_, i) => OBS(`p-${i}.jar`));
    expect((await runCli(["upload-group"], fullEnv(emulator, { group: "victim", paths: many }))).code).toBe(0);
    const asked: string[] = [];
    expect(await deleteGroupByName({ ...emulator.env }, { group: "victim", region: "cn-north-4" }, terminal(false, asked))).toBe(1);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/: 300 packages \(p-0\.jar, p-1\.jar, .*p-19\.jar, … and 280 more\)\? \[y\/N\] $/);
    expect(asked[0].length).toBeLessThanOrEqual(2048);
  });
});
