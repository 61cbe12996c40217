import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PackageGroupKindProps } from "../../../lib";
import { terraformJsonEncode } from "../../../lib/contract/terraform-json";

export const BUCKET = "https://dli-test.obs.cn-north-4.myhuaweicloud.com";

/** Valid props; override what a test is about. */
export function props(overrides: Partial<PackageGroupKindProps> = {}): PackageGroupKindProps {
  return {
    group: "gatk",
    region: "cn-north-4",
    paths: [`${BUCKET}/jobs/test_dli.jar`, `${BUCKET}/jobs/dli_tf.py`],
    ...overrides,
  };
}

/** `Testing.synthScope` parsed. */
export function synth(declare: (scope: Construct) => void): any {
  return JSON.parse(Testing.synthScope(declare));
}

/** A full stack synthesized with `Testing.synth` (keys sorted, metadata removed). */
export function synthStack(declare: (stack: TerraformStack) => void): { json: string; tf: any } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  declare(stack);
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json) };
}

/** All resources of a synthesized config as [address, body]. */
export function resources(tf: any): [string, any][] {
  const out: [string, any][] = [];
  for (const [type, byName] of Object.entries<any>(tf.resource ?? {})) {
    for (const [name, body] of Object.entries<any>(byName)) out.push([`${type}.${name}`, body]);
  }
  return out;
}

/** Every `${…}` expression in a value (strings inside nested objects/arrays too). */
export function interpolations(value: unknown): string[] {
  if (typeof value === "string") return [...value.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
  if (Array.isArray(value)) return value.flatMap(interpolations);
  if (value && typeof value === "object") return Object.values(value).flatMap(interpolations);
  return [];
}

/**
 * `${self.<attr>.<key>}` and `${jsonencode(self.<attr>)}` resolved against the resource's own
 * triggers, like Terraform does (terraformJsonEncode is compared with a real terraform in
 * test/contract/terraform-json.test.ts).
 */
export function resolveSelf(value: string, body: any): string {
  const triggersOf = (attr: string) => {
    if (!body[attr]) throw new Error(`self.${attr} is not an attribute of this resource`);
    return body[attr];
  };
  return value
    .replace(/\$\{jsonencode\(self\.(triggers|triggers_replace)\)\}/g, (_all, attr: string) => terraformJsonEncode(triggersOf(attr)))
    .replace(/\$\{self\.(triggers|triggers_replace)\.([a-z_]+)\}/g, (_all, attr: string, key: string) => {
      const triggers = triggersOf(attr);
      if (!(key in triggers)) throw new Error(`self.${attr}.${key} is not a trigger of this resource`);
      return triggers[key];
    });
}
