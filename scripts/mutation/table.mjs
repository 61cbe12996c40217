// The per-file table of the last mutation run (reports/mutation/mutation.json, or the .json
// given), as markdown; with lib/… arguments, only those files (an incremental report also
// holds the files of earlier runs). Usage: node scripts/mutation/table.mjs [report.json] [files…]
// score = (killed + timeout) / (killed + timeout + survived + no coverage), Stryker's
// "mutation score"; compile and runtime errors are not mutants that ran.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
// a file may carry a line range (lib/x.ts:10-20), as StrykerJS's --mutate takes it
const only = args.filter((a) => a.startsWith("lib/")).map((a) => a.replace(/:[0-9:-]+$/, ""));
const reportFile = args.find((a) => a.endsWith(".json")) ?? join(root, "reports", "mutation", "mutation.json");
const report = JSON.parse(readFileSync(reportFile, "utf8"));

const rows = [];
const total = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  if (only.length > 0 && !only.includes(file)) continue;
  const count = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
  for (const { status } of mutants) {
    if (status === "Killed") count.killed++;
    else if (status === "Timeout") count.timeout++;
    else if (status === "Survived") count.survived++;
    else if (status === "NoCoverage") count.noCoverage++;
    else count.errors++;
  }
  for (const k of Object.keys(total)) total[k] += count[k];
  rows.push([file, count]);
}
const score = (c) => {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? "n/a" : `${((100 * (c.killed + c.timeout)) / valid).toFixed(1)}%`;
};
const line = (name, c) =>
  `| ${name} | ${c.killed + c.timeout + c.survived + c.noCoverage} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${score(c)} |`;
console.log("| file | mutants | killed | timeout | survived | no coverage | score |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const [file, count] of rows) console.log(line(file, count));
console.log(line("**all**", total));
