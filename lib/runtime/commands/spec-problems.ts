import { SpecProblem } from "../../contract/rules";
import { ConfigError } from "../errors";

/** Every spec problem in one error: `DLI_PACKAGES_GROUP: "a b" — 1–64 characters: …`. */
export function specProblemsError(problems: readonly SpecProblem[]): ConfigError {
  const lines = problems.map((p) => `${p.field}${p.value === undefined ? "" : `: ${JSON.stringify(p.value)}`} — ${p.rule}`);
  return new ConfigError(`invalid package-group spec in the environment: ${lines.join("; ")}`);
}
