/** Bounded, single-line text (issue 11 §3): what every error and progress line is built from. */
import { boundedLine, listNames, MAX_LINE_CHARS, renderName, renderValue } from "../../lib/contract";

test("control characters are escaped, so a value never starts a new line", () => {
  expect(boundedLine("a\r\nb\u0000c\u007fd\u2028e\tf")).toBe("a\\r\\nb\\u0000c\\u007fd\\u2028e\\tf");
  expect(renderValue("x.jar\r\nDLI_PACKAGES_GROUP=evil")).toBe('"x.jar\\r\\nDLI_PACKAGES_GROUP=evil"');
});

test("long values are cut with an ellipsis that says how long they were", () => {
  expect(renderValue("g".repeat(1000))).toBe(`"${"g".repeat(199)}… (1002 chars)`);
  const line = boundedLine("x".repeat(100_000));
  expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS + 20);
  expect(line.endsWith("… (100000 chars)")).toBe(true);
});

test("name lists stop after 20, then say how many more", () => {
  expect(listNames(["a", "b"])).toBe("a, b");
  const names = Array.from({ length: 10_000 }, (_, i) => `p-${i}.jar`);
  expect(listNames(names)).toBe(`${names.slice(0, 20).join(", ")}, … and 9980 more`);
  expect(listNames(["bad\nname"])).toBe("bad\\nname");
});

test("the cut boundary: exactly 200 characters are kept whole, 201 are cut", () => {
  expect(renderName("n".repeat(200))).toBe("n".repeat(200));
  expect(renderName("n".repeat(201))).toBe(`${"n".repeat(200)}… (201 chars)`);
  // 198 characters and their quotes: 200
  expect(renderValue("v".repeat(198))).toBe(`"${"v".repeat(198)}"`);
  expect(renderValue("v".repeat(199))).toBe(`"${"v".repeat(199)}… (201 chars)`);
});

test("exactly 20 names are listed whole; the 21st becomes '… and 1 more'", () => {
  const names = Array.from({ length: 21 }, (_, i) => `n${i}`);
  expect(listNames(names.slice(0, 20))).toBe(names.slice(0, 20).join(", "));
  expect(listNames(names)).toBe(`${names.slice(0, 20).join(", ")}, … and 1 more`);
});

test("a value JSON cannot write (a BigInt, a cycle) is rendered with String()", () => {
  expect(renderValue(10n)).toBe("10");
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  expect(renderValue(cycle)).toBe("[object Object]");
  expect(renderValue(undefined)).toBe("undefined");
});
