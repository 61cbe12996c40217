// The mutants of the last run (reports/mutation/mutation.json) that no test detected:
// file:line:column, mutator, original → replacement. `node scripts/mutation/survivors.mjs`.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const report = JSON.parse(readFileSync(process.argv[2] ?? join(root, "reports", "mutation", "mutation.json"), "utf8"));
for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const lines = source.split("\n");
  for (const m of mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage").sort((a, b) => a.location.start.line - b.location.start.line)) {
    const { start, end } = m.location;
    const original =
      start.line === end.line
        ? lines[start.line - 1].slice(start.column - 1, end.column - 1)
        : `${lines[start.line - 1].slice(start.column - 1)} …`;
    const cut = (s) => (s.length > 110 ? `${s.slice(0, 110)}…` : s).replace(/\n/g, "⏎");
    console.log(`${file}:${start.line}:${start.column} ${m.status} ${m.mutatorName}: ${cut(original)} → ${cut(m.replacement ?? "")}`);
  }
}
