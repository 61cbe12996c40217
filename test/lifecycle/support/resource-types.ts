/**
 * The resource types the lifecycle suites run for, each with what this machine can do for it:
 * `terraform_data` needs only the terraform binary; `null_resource` also needs `terraform init`
 * to install hashicorp/null. A type that cannot run is skipped with its reason printed.
 */
import { ResourceType } from "../../../lib";
import { probeNullProvider, probeTerraform, Probe } from "./terraform";

export interface RunnableResourceType {
  readonly type: ResourceType;
  readonly probe: Probe;
}

let cached: RunnableResourceType[] | undefined;

export function resourceTypesToRun(): RunnableResourceType[] {
  if (!cached) {
    const terraform = probeTerraform();
    cached = [
      { type: ResourceType.TERRAFORM_DATA, probe: terraform },
      { type: ResourceType.NULL_RESOURCE, probe: terraform.ok ? probeNullProvider() : terraform },
    ];
  }
  return cached;
}

/** `describe` for the types that can run here, `describe.skip` (reason printed) for the others. */
export function describeForEachResourceType(title: string, body: (type: ResourceType) => void): void {
  for (const { type, probe } of resourceTypesToRun()) {
    // Printed on purpose: a skipped lifecycle run must be visible in CI logs, with its reason.
    if (!probe.ok) console.warn(`${title} (${type}) skipped: ${probe.reason}`);
    (probe.ok ? describe : describe.skip)(`${title} (${type})`, () => body(type));
  }
}
