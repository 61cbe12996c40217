/**
 * The node guard, in the POSIX `sh` launcher the provisioners run (`dli-packages.sh`, beside the
 * bundled runtime in the stack's asset): where Terraform runs without `node`, or with a `node`
 * older than 20 (HCP Terraform's default remote runner, an old CI image), the provisioner fails
 * with one line of ours naming what is missing and where the docs explain it, instead of the
 * shell's `node: not found` (127) or a syntax error from an old node. The launcher is a shell
 * script because it has to run where node does not.
 *
 * Cost: `command -v` is a shell builtin; `node --version` answers before V8 starts: a few ms
 * per provisioner run (bench/node-guard.bench.mjs).
 */
import { EXIT_CODES, RUNTIME_BUNDLE_FILE } from "../contract";

/** The oldest Node.js major the bundled runtime runs on (package.json `engines`). */
export const MIN_NODE_MAJOR = 20;

const WHERE = `Node.js ${MIN_NODE_MAJOR} or later must be on PATH where terraform runs; see "Running where Terraform runs" in the cdktf-dli-packages README`;
const EXIT = EXIT_CODES.usageOrConfig;

/** `node --version` patterns of majors >= 20: v20–v99, v100 and up. */
const SUPPORTED_VERSIONS = "v[2-9][0-9].*|v[1-9][0-9][0-9]*";

/**
 * Runs in the launcher before `exec node …`; a failure exits non-zero like any other runtime
 * failure (create time: the resource is tainted, the next apply retries). One line of `sh`.
 */
export const NODE_GUARD =
  `command -v node >/dev/null 2>&1 || { echo 'dli-packages: no node on PATH: ${WHERE}' >&2; exit ${EXIT}; }; ` +
  `node_version=$(node --version 2>/dev/null); ` +
  `case "$node_version" in ${SUPPORTED_VERSIONS}) ;; *) echo "dli-packages: node on PATH is $node_version, older than ${MIN_NODE_MAJOR}: "'${WHERE}' >&2; exit ${EXIT};; esac; `;

/**
 * The launcher, written next to the bundle at build time (scripts/bundle-runtime.mjs) and run by
 * every provisioner as `exec /bin/sh "<asset dir>/dli-packages.sh" <command>`: the node guard,
 * then `exec node` on the bundle beside it (the shell is replaced, so signals and Terraform's
 * kill reach the runtime). The bundle is found from `$0`, so the command stays relative to
 * `path.module` and the same on every machine.
 */
export const LAUNCHER_SCRIPT = [
  "#!/bin/sh",
  "# cdktf-dli-packages: runs the bundled runtime beside this file with the node on PATH, or says",
  `# in one line why it cannot (Node.js ${MIN_NODE_MAJOR} or later is needed). Exit codes: the runtime's; ${EXIT} from the guard.`,
  NODE_GUARD.trim(),
  'case "$0" in */*) here=${0%/*} ;; *) here=. ;; esac',
  `exec node "$here/${RUNTIME_BUNDLE_FILE}" "$@"`,
  "",
].join("\n");
