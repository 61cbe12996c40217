// bench/node-guard: what the provisioners' launcher (dist/runtime/dli-packages.sh: the node guard
// of lib/constructs/node-guard.ts, then `exec node` on the bundle beside it) adds to every
// provisioner run. The command Terraform's local-exec runs (`/bin/sh -c`) as synthesized, the
// launcher starting node on a bundle that does nothing, against `node` started directly on it,
// interleaved, median of N each. Target: a few ms (issue 10 §3). Needs `npm run build`.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { NODE_GUARD } = createRequire(import.meta.url)(join(root, "dist", "lib", "constructs", "node-guard.js"));
const RUNS = Number(process.env.BENCH_RUNS ?? 50);

const dir = mkdtempSync(join(tmpdir(), "dli-guard-bench-"));
writeFileSync(join(dir, "dli-packages.js"), "");
copyFileSync(join(root, "dist", "runtime", "dli-packages.sh"), join(dir, "dli-packages.sh"));
const without = `exec node "./dli-packages.js" upload-group`;
const withGuard = `exec /bin/sh "./dli-packages.sh" upload-group`;

function time(command) {
  const started = process.hrtime.bigint();
  const result = spawnSync("/bin/sh", ["-c", command], { cwd: dir, stdio: "ignore" });
  if (result.status !== 0) throw new Error(`${command} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  time(without); // warm the page cache
  const base = [];
  const guarded = [];
  for (let i = 0; i < RUNS; i++) {
    base.push(time(without));
    guarded.push(time(withGuard));
  }
  const [b, g] = [median(base), median(guarded)];
  console.log(`provisioner command, median of ${RUNS} (/bin/sh -c, node on an empty bundle):`);
  console.log(`  node directly ${b.toFixed(1)} ms · through the launcher ${g.toFixed(1)} ms · added ${(g - b).toFixed(1)} ms (${(g / b).toFixed(2)}×)`);
  // The guard alone, without node's own start-up (whose run-to-run noise is larger than the guard).
  const shellOnly = [];
  const guardOnly = [];
  for (let i = 0; i < RUNS; i++) {
    shellOnly.push(time("exec true"));
    guardOnly.push(time(`${NODE_GUARD}exec true`));
  }
  const [s0, g0] = [median(shellOnly), median(guardOnly)];
  console.log(`  the guard alone: /bin/sh -c 'exec true' ${s0.toFixed(1)} ms · with the guard ${g0.toFixed(1)} ms · the guard costs ${(g0 - s0).toFixed(1)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
