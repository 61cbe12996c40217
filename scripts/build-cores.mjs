// The CDK Terrain core (`cdktf-dli-packages/cdktn`), made from the compiled cdktf build: one
// source, two cores (docs/design-notes.md). dist/lib/cdktn/ receives the constructs side of
// dist/lib (index, constructs/, contract/) with constructs/framework.{js,d.ts} replaced by the
// compiled framework.cdktn.ts; the cdktf tree keeps no trace of cdktn. Then both trees are
// checked: each names only its own core (a construct module that imported "cdktf" directly
// would otherwise ship into cdktn apps).
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lib = join(root, "dist", "lib");
const cdktn = join(lib, "cdktn");
const FRAMEWORK_FILES = ["framework.js", "framework.d.ts"];
const CDKTN_FRAMEWORK = { "framework.js": "framework.cdktn.js", "framework.d.ts": "framework.cdktn.d.ts" };

rmSync(cdktn, { recursive: true, force: true });
for (const part of ["index.js", "index.d.ts", "constructs", "contract"]) cpSync(join(lib, part), join(cdktn, part), { recursive: true });
for (const file of FRAMEWORK_FILES) {
  renameSync(join(cdktn, "constructs", CDKTN_FRAMEWORK[file]), join(cdktn, "constructs", file));
  rmSync(join(lib, "constructs", CDKTN_FRAMEWORK[file]));
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Every compiled file of a tree that loads `forbidden` (require, import or import() type). */
function offenders(dir, forbidden, skip = () => false) {
  const pattern = new RegExp(`(require\\(|from |import\\()"${forbidden.replace("/", "\\/")}(/[^"]*)?"`);
  return files(dir)
    .filter((file) => !skip(file) && /\.(js|d\.ts)$/.test(file) && pattern.test(readFileSync(file, "utf8")))
    .map((file) => relative(root, file));
}

const problems = [
  ...offenders(cdktn, "cdktf"),
  ...offenders(cdktn, "@cdktf/provider-null"),
  ...offenders(lib, "cdktn", (file) => file.startsWith(cdktn + "/")),
  ...["constructs", "contract"].flatMap((part) => offenders(join(lib, part), "cdktf", (f) => FRAMEWORK_FILES.some((x) => f.endsWith(`constructs/${x}`)))),
];
if (!existsSync(join(cdktn, "constructs", "framework.js"))) problems.push("dist/lib/cdktn/constructs/framework.js missing");
if (problems.length > 0) {
  console.error(`build-cores: a core tree names the other core (only constructs/framework.* may name one): ${problems.join(", ")}`);
  process.exit(1);
}
