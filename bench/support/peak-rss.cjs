// Preloaded into a bench child (`node -r peak-rss.cjs …`): on exit, writes the process's peak
// resident set size (Linux /proc/self/status VmHWM, in kB) to the file named by
// BENCH_PEAK_RSS_FILE. The kernel's own high-water mark: no sampling can miss a spike.
const { readFileSync, writeFileSync } = require("node:fs");
process.on("exit", () => {
  const target = process.env.BENCH_PEAK_RSS_FILE;
  if (!target) return;
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
  writeFileSync(target, match ? match[1] : "");
});
