/**
 * Every prop a user passes is documented where their editor shows it: each property of an
 * exported `*Props` / `*Options` / `*Rates` type of a public entry (`.`, `/cdktn`, `/emulator`),
 * read from the shipped .d.ts files, has a doc comment, and each optional one says its default
 * with `@default`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";

const DIST = join(__dirname, "..", "..", "dist", "lib");
const ENTRIES = [join(DIST, "index.d.ts"), join(DIST, "cdktn", "index.d.ts"), join(DIST, "emulator", "index.d.ts")];
const INPUT_TYPE = /(Props|Options|Rates)$/;

interface Report {
  /** `Type.prop` names checked. */
  readonly checked: string[];
  /** `Type.prop: what is missing`. */
  readonly problems: string[];
}

/** Checks the input types the given declaration entry files export. */
function checkDocComments(entryFiles: string[]): Report {
  const program = ts.createProgram(entryFiles, { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const checked = new Set<string>();
  const problems = new Set<string>();
  for (const file of entryFiles) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${file}: not a module (run \`npm run build\` first)`);
    for (const exported of checker.getExportsOfModule(module)) {
      if (!INPUT_TYPE.test(exported.name)) continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))) continue;
      for (const property of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
        const name = `${exported.name}.${property.name}`;
        checked.add(name);
        if (ts.displayPartsToString(property.getDocumentationComment(checker)).trim() === "") problems.add(`${name}: no doc comment`);
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
        if (optional && !property.getJsDocTags(checker).some((tag) => tag.name === "default")) problems.add(`${name}: optional without @default`);
      }
    }
  }
  return { checked: [...checked].sort(), problems: [...problems].sort() };
}

test("every prop of the public entries' Props/Options types has a doc comment, every optional one a @default", () => {
  const report = checkDocComments(ENTRIES);
  // The check is about something: the construct props, the removal props and the emulator options.
  expect(report.checked).toEqual(
    expect.arrayContaining(["PackageGroupKindProps.paths", "PackageGroupRemovalProps.resourceType", "EmulatorOptions.process", "FaultRates.rate429", "UserOptions.name"]),
  );
  expect(report.problems).toEqual([]);
});

test("the check can fail: an undocumented prop and an optional prop without @default are reported", () => {
  const dir = mkdtempSync(join(tmpdir(), "dli-doc-comments-"));
  try {
    const file = join(dir, "index.d.ts");
    writeFileSync(
      file,
      "export interface WidgetProps {\n  readonly size: number;\n  /** Colour of the widget. */\n  readonly colour?: string;\n  /** Shape. @default \"round\" */\n  readonly shape?: string;\n}\n",
    );
    expect(checkDocComments([file]).problems).toEqual(["WidgetProps.colour: optional without @default", "WidgetProps.size: no doc comment"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
