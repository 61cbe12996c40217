/**
 * The jest environment of `npm run mutation` (docs/mutation-testing.md): jest's node environment
 * plus four things StrykerJS's jest runner cannot know about this project. Stryker wraps it with
 * its own environment mixin (which sets `__stryker__.currentTestId` per test); this class only
 * reads and edits the instrumenter's shared context (`globalThis.__stryker__`).
 *
 * 1. Coverage from child processes. The runtime tests run the bundle
 *    (dist/runtime/dli-packages.js, built from the instrumented sources by the mutation build)
 *    as a child process, directly or through terraform. The bundle, built with
 *    `--mutation-coverage`, writes its mutant coverage to `$__DLI_MUTANT_COVERAGE_DIR__` on exit;
 *    here, when a test ends, every file found there is added to that test's coverage.
 * 2. Module-level coverage. Jest re-evaluates every module for each test file, so what a module
 *    does when it is loaded (or in a describe's beforeAll) belongs to every test of the file that
 *    loaded it. Stryker would call such a mutant "static" and run the whole suite for it; here it
 *    is attributed to the tests of that file instead. (A skipped test leaves Stryker's current
 *    test set, since jest sends it no test_done: it is cleared here, or a module-level mutant
 *    would count as covered by a skipped test of another file and survive untested.)
 * 3. Ordered suites. In a file whose tests build on each other (terraform state carried from
 *    one step to the next, ORDERED below), a test cannot run alone: each test's coverage is also
 *    given to every test before it, so a mutant's test filter includes the steps that lead to it.
 * 4. Bail. Stryker's jest runner cannot make jest bail; once a test fails with a mutant active,
 *    every later test of that mutant run is skipped (./bail.js; ./jest-circus-bail.js does not
 *    even load the later test files): one failure kills it.
 *
 * It also records which test files cover which mutants, and how long each file took, for
 * ./test-sequencer.js in `.tmp/mutation-files.json` of the sandbox during the dry run.
 */
const { TestEnvironment } = require("jest-environment-node");
const { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, relative, sep } = require("node:path");
const bail = require("./bail");

/** Suites whose tests share state step by step (relative to the root, "/" separated). */
const ORDERED = [/^test\/lifecycle\//];

const ACTIVE = "__STRYKER_ACTIVE_MUTANT__";
const COVERAGE_DIR = "__DLI_MUTANT_COVERAGE_DIR__";

/** Mutant id → test files covering it, and test file → its dry-run time (ms); shared by every environment of this process. */
const filesByMutant = {};
const fileDurations = {};
/** Mutant id → test files that reached it in the jest process (they import its module: unit tests, usually the quickest to fail). */
const directFilesByMutant = {};

function fullName(test) {
  const names = [];
  for (let block = test.parent; block && block.parent; block = block.parent) names.unshift(block.name);
  return [...names, test.name].join(" ").trim();
}

function add(target, coverage) {
  for (const [id, hits] of Object.entries(coverage)) target[id] = (target[id] ?? 0) + hits;
}

class MutationEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.rootDir = config.projectConfig.rootDir;
    this.testFile = relative(this.rootDir, context.testPath).split(sep).join("/");
    this.ordered = ORDERED.some((pattern) => pattern.test(this.testFile));
    this.childCoverageDir = mkdtempSync(join(tmpdir(), "dli-mutant-coverage-"));
    this.global.process.env[COVERAGE_DIR] = this.childCoverageDir;
    this.testIds = [];
    /** Mutants this file's tests reached in the jest process itself (not only through a child process). */
    this.inProcess = new Set();
  }

  async teardown() {
    rmSync(this.childCoverageDir, { recursive: true, force: true });
    await super.teardown();
  }

  /** No test is running: what the instrumented code reaches now is module-level (static) coverage. */
  endTest() {
    const ns = this.stryker;
    if (ns) ns.currentTestId = undefined;
  }

  /** The instrumenter's context, once Stryker's mixin has put it on the global. */
  get stryker() {
    return this.global[this.global.__strykerGlobalNamespace__ ?? "__stryker__"];
  }

  get coverage() {
    const ns = this.stryker;
    if (!ns) return undefined;
    return (ns.mutantCoverage ??= { static: {}, perTest: {} });
  }

  /** Coverage the bundle's child processes wrote since the last call (and removes it). */
  takeChildCoverage() {
    const total = {};
    for (const name of readdirSync(this.childCoverageDir)) {
      const file = join(this.childCoverageDir, name);
      try {
        const { static: atLoad = {}, perTest = {} } = JSON.parse(readFileSync(file, "utf8"));
        add(total, atLoad);
        for (const coverage of Object.values(perTest)) add(total, coverage);
      } catch {
        // a child killed while writing: its coverage is lost, the next file counts
      }
      rmSync(file, { force: true });
    }
    return total;
  }

  /** Static coverage gained since the last call, removed from the static part. */
  takeStaticCoverage() {
    const coverage = this.coverage;
    if (!coverage) return {};
    const gained = {};
    for (const [id, hits] of Object.entries(coverage.static)) {
      const before = this.staticBefore?.[id] ?? 0;
      if (hits > before) gained[id] = hits - before;
    }
    coverage.static = { ...(this.staticBefore ?? {}) };
    return gained;
  }

  async handleTestEvent(event, state) {
    const active = this.global.process.env[ACTIVE];
    switch (event.name) {
      case "setup":
        // before the test file (and so the modules it imports) is loaded
        this.staticBefore = { ...(this.coverage?.static ?? {}) };
        this.endTest();
        break;
      case "test_skip":
      case "test_todo":
        // jest-circus sends test_start for a skipped test but never test_done, and Stryker's mixin
        // clears the current test only on test_done: without this, what the next test file loads
        // at module level would count as covered by that skipped test (of another file), not by
        // the tests of the file that loaded it
        this.endTest();
        break;
      case "run_start":
        this.started = Date.now();
        if (bail.bailed()) state.rootDescribeBlock.mode = "skip";
        break;
      case "test_start":
        if (bail.bailed()) event.test.mode = "skip";
        break;
      case "test_done": {
        if (active !== undefined && event.test.errors.length > 0) bail.failed(active);
        const id = fullName(event.test);
        this.testIds.push(id);
        const coverage = this.coverage;
        if (active === undefined && coverage) {
          // what the test reached in this process, before the child processes' part is added
          for (const mutant of Object.keys(coverage.perTest[id] ?? {})) this.inProcess.add(mutant);
          add((coverage.perTest[id] ??= {}), this.takeChildCoverage());
        }
        break;
      }
      case "run_finish":
        if (active === undefined) this.attributeFileCoverage();
        break;
    }
  }

  /** End of a dry-run test file: module-level/hook coverage to all its tests, ordered suites, the file map. */
  attributeFileCoverage() {
    const coverage = this.coverage;
    if (!coverage || this.testIds.length === 0) return;
    const fileWide = this.takeStaticCoverage();
    for (const mutant of Object.keys(fileWide)) this.inProcess.add(mutant);
    add(fileWide, this.takeChildCoverage());
    for (const id of this.testIds) add((coverage.perTest[id] ??= {}), fileWide);
    if (this.ordered) {
      // each step's coverage to every step before it, last to first
      for (let i = this.testIds.length - 1; i > 0; i--) add(coverage.perTest[this.testIds[i - 1]], coverage.perTest[this.testIds[i]]);
    }
    for (const id of this.testIds) {
      for (const mutant of Object.keys(coverage.perTest[id] ?? {})) {
        const files = (filesByMutant[mutant] ??= []);
        if (!files.includes(this.testFile)) files.push(this.testFile);
        if (this.inProcess.has(mutant)) {
          const direct = (directFilesByMutant[mutant] ??= []);
          if (!direct.includes(this.testFile)) direct.push(this.testFile);
        }
      }
    }
    mkdirSync(join(this.rootDir, ".tmp"), { recursive: true });
    fileDurations[this.testFile] = Date.now() - this.started;
    writeFileSync(join(this.rootDir, ".tmp", "mutation-files.json"), JSON.stringify({ filesByMutant, directFilesByMutant, fileDurations }));
  }
}

module.exports = MutationEnvironment;
