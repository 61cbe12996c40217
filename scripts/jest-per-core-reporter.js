// A jest reporter that prints one line of totals per project (framework core: cdktf, cdktn) at
// the end of a run, which jest's own summary and its --json result do not separate.
class PerCoreReporter {
  constructor() {
    this.totals = new Map();
  }

  onTestResult(test, result) {
    const core = test.context.config.displayName?.name ?? "default";
    const totals = this.totals.get(core) ?? { passed: 0, failed: 0, skipped: 0 };
    totals.passed += result.numPassingTests;
    totals.failed += result.numFailingTests;
    totals.skipped += result.numPendingTests + result.numTodoTests;
    this.totals.set(core, totals);
  }

  onRunComplete() {
    const parts = [...this.totals].sort(([a], [b]) => a.localeCompare(b)).map(([core, t]) => `${core}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
    if (parts.length > 0) process.stderr.write(`per core · ${parts.join(" · ")}\n`);
  }
}

module.exports = PerCoreReporter;
