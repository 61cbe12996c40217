/**
 * The README's first set-up command runs the demo (`npm run demo` = build + scripts/demo.mjs):
 * it must work as written. Run here after the build `npm test` made, with terraform when it is
 * on PATH (the real flow) and, always, without it (the provisioners' commands run directly).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probeTerraform } from "../lifecycle/support/terraform";

jest.setTimeout(240_000);

const DEMO = join(__dirname, "..", "..", "scripts", "demo.mjs");

function demo(env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, [DEMO], { encoding: "utf8", env, timeout: 200_000 });
  if (result.status !== 0) throw new Error(`demo exited ${result.status ?? result.signal}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`);
  return result.stdout;
}

const terraform = probeTerraform();
if (!terraform.ok) console.warn(`demo under real terraform skipped: ${terraform.reason}`);
(terraform.ok ? test : test.skip)("npm run demo: both examples applied, changed and destroyed under terraform; staging uploads one object per build, re-apply no call", () => {
  const out = demo(process.env);
  expect(out.match(/API calls made by the re-apply: 0/g)).toHaveLength(2);
  expect(out).toMatch(/DELETE calls during the change: 0/);
  expect(out.match(/objects uploaded: 1\b/g)).toHaveLength(2);
  expect(out).toMatch(/staging udf-lib-1\.0\.0\.jar: .* read back: same size and SHA-256/);
  expect(out).toMatch(/orphan https:\/\/dli-examples-staging\.obs\.cn-north-4\.myhuaweicloud\.com\/dli-staging\/[0-9a-f]{64}\/udf-lib-1\.0\.0\.jar /);
  expect(out).toMatch(/no package group left/);
  expect(out).toMatch(/Demo finished in /);
});

test("the demo without terraform on PATH runs the provisioners' commands directly, to the same end", () => {
  // A PATH holding only node (the launcher runs `node`; /bin may be /usr/bin, where terraform can be).
  const bin = mkdtempSync(join(tmpdir(), "dli-demo-path-"));
  symlinkSync(process.execPath, join(bin, "node"));
  let out: string;
  try {
    out = demo({ ...process.env, PATH: bin });
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
  expect(out).toMatch(/terraform is not on PATH/);
  expect(out.match(/objects uploaded: 1\b/g)).toHaveLength(2);
  expect(out).toMatch(/orphan https:\/\/dli-examples-staging\.obs\.cn-north-4\.myhuaweicloud\.com\/dli-staging\/[0-9a-f]{64}\/udf-lib-1\.0\.0\.jar /);
  expect(out).toMatch(/no package group left/);
});
