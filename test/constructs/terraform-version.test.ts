/**
 * The synth-time Terraform version check (terraform_data needs 1.4, removed blocks 1.9): one
 * `terraform version -json` per process, started in the background by the first construct and
 * read at validation (issue 17: it no longer adds its run time to synthesis). A stub binary
 * (TERRAFORM_BINARY_NAME) reports the version and logs each call.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dli-tf-version-"));
});
afterAll(() => {
  delete process.env.TERRAFORM_BINARY_NAME;
  rmSync(dir, { recursive: true, force: true });
});

/** A `terraform` that answers `version -json` with `version` after `delayMs`, logging every call. */
function stubTerraform(version: string, delayMs = 0): { binary: string; calls: () => number } {
  const binary = join(dir, `terraform-${version}-${delayMs}`);
  const log = `${binary}.log`;
  writeFileSync(binary, `#!/bin/sh\necho "$*" >> "${log}"\nsleep ${delayMs / 1000}\necho '{"terraform_version":"${version}","platform":"linux_amd64"}'\n`);
  chmodSync(binary, 0o755);
  return { binary, calls: () => readFileSync(log, "utf8").trim().split("\n").length };
}

/** Fresh modules (the answer is cached per process), a TERRAFORM_DATA group and a removal, validated. */
async function validateWith(binary: string, waitMs: number): Promise<string[]> {
  process.env.TERRAFORM_BINARY_NAME = binary;
  let problems: string[] = [];
  let pending: Promise<void> = Promise.resolve();
  jest.isolateModules(() => {
    const { Testing, TerraformStack } = require("cdktf");
    const { FilePackageGroup, PackageGroupRemoval, ResourceType } = require("../../lib");
    const stack = new TerraformStack(Testing.app(), "s");
    new FilePackageGroup(stack, "g", { group: "g", region: "cn-north-4", paths: ["https://bench-b.obs.cn-north-4.myhuaweicloud.com/a.jar"], resourceType: ResourceType.TERRAFORM_DATA });
    new PackageGroupRemoval(stack, "old", { resourceType: ResourceType.TERRAFORM_DATA });
    pending = new Promise<void>((resolve) => setTimeout(resolve, waitMs)).then(() => {
      problems = stack.node.validate();
    });
  });
  await pending;
  return problems;
}

test("an old terraform is named at validation, from the one background call", async () => {
  const stub = stubTerraform("1.3.9");
  const problems = await validateWith(stub.binary, 1500);
  expect(problems).toEqual([
    "terraform 1.3.9 is too old for this stack: terraform_data is built into Terraform from 1.4 on; install Terraform 1.4 or later",
    "terraform 1.3.9 is too old for this stack: `removed` blocks (PackageGroupRemoval) need Terraform 1.9; install Terraform 1.9 or later",
  ]);
  expect(stub.calls()).toBe(1);
});

test("a recent terraform passes", async () => {
  const stub = stubTerraform("1.11.4");
  expect(await validateWith(stub.binary, 1500)).toEqual([]);
  expect(stub.calls()).toBe(1);
});

test("a background call that has not answered by validation: validation runs it and waits for the answer", async () => {
  const stub = stubTerraform("1.8.0", 1000);
  const problems = await validateWith(stub.binary, 0);
  expect(problems).toEqual(["terraform 1.8.0 is too old for this stack: `removed` blocks (PackageGroupRemoval) need Terraform 1.9; install Terraform 1.9 or later"]);
  expect(stub.calls()).toBe(2);
});

test("no terraform binary: the check passes (synthesizing needs none)", async () => {
  expect(await validateWith(join(dir, "no-such-terraform"), 300)).toEqual([]);
});
