// A StrykerJS reporter for `npm run mutation`: appends every mutant no test detected to
// reports/mutation/survivors.log as soon as it is tested (file:line:column status mutator →
// replacement), so a long run can be worked on before it ends. The full report is the json one.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { declareClassPlugin, PluginKind } from "@stryker-mutator/api/plugin";

const LOG = "reports/mutation/survivors.log";

class SurvivorsReporter {
  onMutationTestingPlanReady() {
    mkdirSync(dirname(LOG), { recursive: true });
    writeFileSync(LOG, "");
  }

  onMutantTested(result) {
    if (result.status !== "Survived" && result.status !== "NoCoverage") return;
    const { line, column } = result.location.start;
    const replacement = (result.replacement ?? "").replace(/\s+/g, " ").slice(0, 120);
    appendFileSync(LOG, `${relative(process.cwd(), result.fileName)}:${line}:${column + 1} ${result.status} ${result.mutatorName} → ${replacement}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, "survivors-log", SurvivorsReporter)];
