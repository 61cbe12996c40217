import { MAX_LISTED_PROBLEMS, renderValue } from "../../contract/bounded-text";
import { SpecProblem } from "../../contract/rules";
import { ConfigError } from "../errors";

/**
 * Every spec problem in one bounded error line: `DLI_PACKAGES_GROUP: "a b" — 1–64 characters: …`;
 * values cut and escaped, at most {@link MAX_LISTED_PROBLEMS} problems, then "… and N more".
 * `source` says where the spec was read.
 * @default source "in the environment" (the provisioners' and a run by hand)
 */
export function specProblemsError(problems: readonly SpecProblem[], source = "in the environment"): ConfigError {
  const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `${p.field}${p.value === undefined ? "" : `: ${renderValue(p.value)}`} — ${p.rule}`);
  if (problems.length > MAX_LISTED_PROBLEMS) lines.push(`… and ${problems.length - MAX_LISTED_PROBLEMS} more`);
  return new ConfigError(`invalid package-group spec ${source}: ${lines.join("; ")}`);
}
