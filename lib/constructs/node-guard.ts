/**
 * The POSIX `sh` prefix of every provisioner command: where Terraform runs without `node`, or
 * with a `node` older than 20 (HCP Terraform's default remote runner, an old CI image), the
 * provisioner fails with one line of ours naming what is missing and where the README explains
 * it, instead of the shell's `node: not found` (127) or a syntax error from an old node.
 *
 * Cost: `command -v` is a shell builtin; `node --version` answers before V8 starts: 4–6 ms
 * per provisioner run (bench/node-guard.bench.mjs). No `${…}` in here: Terraform would read it
 * as an interpolation.
 */
import { EXIT_CODES } from "../contract";

/** The oldest Node.js major the bundled runtime runs on (package.json `engines`). */
export const MIN_NODE_MAJOR = 20;

const WHERE = `Node.js ${MIN_NODE_MAJOR} or later must be on PATH where terraform runs; see "Running where Terraform runs" in the cdktf-dli-packages README`;
const EXIT = EXIT_CODES.usageOrConfig;

/** `node --version` patterns of majors >= 20: v20–v99, v100 and up. */
const SUPPORTED_VERSIONS = "v[2-9][0-9].*|v[1-9][0-9][0-9]*";

/**
 * Runs in the provisioner's shell before `exec node …`; a failure exits non-zero like any other
 * runtime failure (create time: the resource is tainted, the next apply retries).
 */
export const NODE_GUARD =
  `command -v node >/dev/null 2>&1 || { echo 'dli-packages: no node on PATH: ${WHERE}' >&2; exit ${EXIT}; }; ` +
  `node_version=$(node --version 2>/dev/null); ` +
  `case "$node_version" in ${SUPPORTED_VERSIONS}) ;; *) echo "dli-packages: node on PATH is $node_version, older than ${MIN_NODE_MAJOR}: "'${WHERE}' >&2; exit ${EXIT};; esac; `;
