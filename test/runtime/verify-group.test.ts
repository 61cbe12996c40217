/** The verifying read's difference, as data and as the one line a failed write command prints. */
import { describeDifference, differenceFrom, isExact } from "../../lib/runtime/verify-group";

const group = (packages: Record<string, string>) => ({ name: "g", packages: Object.entries(packages).map(([name, status]) => ({ name, status })) });

test("extra, missing and not READY, in that order, each part separated by '; '", () => {
  const difference = differenceFrom(group({ "a.jar": "READY", "b.jar": "UPLOADING", "x.jar": "READY" }), ["a.jar", "b.jar", "c.jar"]);
  expect(difference).toEqual({ extra: ["x.jar"], missing: ["c.jar"], notReady: [{ name: "b.jar", status: "UPLOADING" }] });
  expect(isExact(difference)).toBe(false);
  expect(describeDifference(difference)).toBe("extra x.jar; missing c.jar; not READY b.jar (UPLOADING)");
});

test("no group at all: every declared package is missing, nothing else", () => {
  expect(differenceFrom(undefined, ["a.jar"])).toStrictEqual({ extra: [], missing: ["a.jar"], notReady: [] });
  expect(isExact(differenceFrom(group({ "a.jar": "READY" }), ["a.jar"]))).toBe(true);
});
