/**
 * Type-checks a consumer's source with a given TypeScript and tsconfig, the way a user's app
 * compiles against this package: `cdktf init --template=typescript`'s compiler options, with
 * `skipLibCheck` off so the package's own .d.ts files are compiled too.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `tsconfig.json` of `cdktf init --template=typescript`, verbatim (hashicorp/terraform-cdk
 * packages/@cdktf/cli-core/templates/typescript/tsconfig.json): no `types` field, so every
 * installed @types package (node, jest) is seen; module CommonJS → node10 on TS 5.
 */
export const CDKTF_INIT_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    inlineSourceMap: true,
    inlineSources: true,
    lib: ["es2018"],
    module: "CommonJS",
    noEmitOnError: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    stripInternal: true,
    target: "ES2018",
    incremental: true,
    skipLibCheck: true,
  },
  include: ["**/*.ts"],
  exclude: ["node_modules", "cdktf.out"],
};

/** The template's type-checking options (emit and build-cache options left out), for one consumer file with Node types only. */
export const CDKTF_INIT_COMPILER_OPTIONS: Record<string, unknown> = {
  ...Object.fromEntries(
    Object.entries(CDKTF_INIT_TSCONFIG.compilerOptions).filter(
      ([name]) => !["inlineSourceMap", "inlineSources", "noEmitOnError", "incremental", "skipLibCheck"].includes(name),
    ),
  ),
  types: ["node"],
};

/**
 * Resolution modes a user's tsconfig can pick, as overrides of the cdktf init options. "module
 * CommonJS" is node10 on TypeScript 5.x (it ignores `exports`); TypeScript 7 removed node10 and
 * resolves such a config as bundler.
 */
export const RESOLUTION_MODES: Record<string, Record<string, unknown>> = {
  "module CommonJS (cdktf init; node10 on TS 5)": {},
  node16: { module: "Node16", moduleResolution: "Node16" },
  nodenext: { module: "NodeNext", moduleResolution: "NodeNext" },
  bundler: { module: "ESNext", moduleResolution: "Bundler" },
};

export interface TypeCheckResult {
  readonly ok: boolean;
  /** tsc's diagnostics ("" when it passed). */
  readonly output: string;
  readonly ms: number;
}

/** Runs `tsc -p` (the `tsc` script at `tscPath`) on `source` written as `<dir>/<name>.ts`, with no emit. */
export function typeCheck(dir: string, tscPath: string, name: string, source: string, overrides: Record<string, unknown>): TypeCheckResult {
  writeFileSync(join(dir, `${name}.ts`), source);
  const tsconfig = {
    compilerOptions: { ...CDKTF_INIT_COMPILER_OPTIONS, skipLibCheck: false, noEmit: true, ...overrides },
    files: [`${name}.ts`],
  };
  writeFileSync(join(dir, `${name}.tsconfig.json`), JSON.stringify(tsconfig, null, 2));
  const started = Date.now();
  try {
    execFileSync(process.execPath, [tscPath, "-p", `${name}.tsconfig.json`], { cwd: dir, encoding: "utf8", stdio: "pipe" });
    return { ok: true, output: "", ms: Date.now() - started };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}`.trim(), ms: Date.now() - started };
  }
}
