/**
 * Type-checks a consumer's source with a given TypeScript and tsconfig, the way a user's app
 * compiles against this package: `cdktf init --template=typescript`'s compiler options, with
 * `skipLibCheck` off so the package's own .d.ts files are compiled too.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** The compiler options `cdktf init --template=typescript` writes (module CommonJS → node10 on TS 5.x). */
export const CDKTF_INIT_COMPILER_OPTIONS = {
  alwaysStrict: true,
  declaration: true,
  experimentalDecorators: true,
  lib: ["es2018"],
  module: "CommonJS",
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
