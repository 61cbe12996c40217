/**
 * terraformJsonEncode is Terraform's `jsonencode` of a map of strings, byte for byte: the size
 * rule counts it (a spec that does not fit fails with E2BIG before the runtime starts) and the
 * construct tests resolve `${jsonencode(self.triggers_replace)}` with it. Checked here against a
 * real `terraform apply` whose provisioner writes what Terraform put in DLI_PACKAGES_SPEC.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { terraformJsonEncode } from "../../lib/contract/terraform-json";

/** Values that exercise every escape: JSON in JSON, HTML characters, separators, controls, non-ASCII, surrogates. */
const TRIGGERS: Record<string, string> = {
  spec_version: "1",
  paths: JSON.stringify(["https://b.obs.cn-north-4.myhuaweicloud.com/a<b>&c.jar", 'q"uo\\te/é€😀.py']),
  group: "gatk",
  empty: "",
  separators: "a\u2028b\u2029c\u0085d\u00a0e\u007f",
  controls: "\b\f\n\r\t\u0000\u0001\u001f",
  lone_surrogates: "x\ud800y\udc00z\udfff\udbff",
  Upper_before_lower: "sorted by bytes",
};

test("without terraform: keys sorted by bytes, the escapes Go's encoder writes", () => {
  expect(terraformJsonEncode({ b: "<>&", a: 'q"\\/', A: "\u2028é😀" })).toBe(
    '{"A":"\\u2028é😀","a":"q\\"\\\\/","b":"\\u003c\\u003e\\u0026"}',
  );
  expect(terraformJsonEncode({ c: "\b\f\n\r\t\u0001\u007f", s: "\ud800\ud83d\ude00\udfff" })).toBe('{"c":"\\b\\f\\n\\r\\t\\u0001\u007f","s":"\ufffd😀\ufffd"}');
  // keys inserted in reverse order come out sorted
  expect(terraformJsonEncode({ z: "1", y: "2", b: "3", a: "4" })).toBe('{"a":"4","b":"3","y":"2","z":"1"}');
  expect(terraformJsonEncode({})).toBe("{}");
});

const terraform = spawnSync("terraform", ["version", "-json"], { encoding: "utf8" });
if (terraform.status !== 0) console.warn("jsonencode under real terraform skipped: no terraform binary on PATH");
(terraform.status === 0 ? test : test.skip)("equals what a real terraform passes a provisioner as jsonencode(self.triggers_replace)", () => {
  const dir = mkdtempSync(join(tmpdir(), "dli-jsonencode-"));
  try {
    const out = join(dir, "spec.json");
    const config = {
      resource: {
        terraform_data: {
          spec: {
            triggers_replace: TRIGGERS,
            provisioner: [
              {
                "local-exec": {
                  command: `printf %s "$DLI_PACKAGES_SPEC" > "${out}"`,
                  environment: { DLI_PACKAGES_SPEC: "${jsonencode(self.triggers_replace)}" },
                },
              },
            ],
          },
        },
      },
    };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config));
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    for (const args of [["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]]) {
      const run = spawnSync("terraform", [...args, "-no-color"], { cwd: dir, encoding: "utf8", env });
      if (run.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${run.stdout}\n${run.stderr}`);
    }
    const written = readFileSync(out);
    expect(written.toString("utf8")).toBe(terraformJsonEncode(TRIGGERS));
    expect(written.length).toBe(Buffer.byteLength(terraformJsonEncode(TRIGGERS)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
