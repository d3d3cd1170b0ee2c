/**
 * Dependencies point down only: every import in src/ (type-only ones too) must go to a lower
 * layer, in DESIGN.md's order, or stay inside its own unit. A failure names the file, the
 * import and the rule it breaks.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, test } from "node:test";

/**
 * The layers, lowest first; each lists its units (folders or files under src/). A unit may
 * import its own files and any unit of a lower layer, nothing else. The units of one layer are
 * peers and do not import each other (the pure cores are independent of one another).
 *
 * Where DESIGN.md names no place, the code decides:
 * - `events/envelope.ts` (the PutEvents entry and event shapes, pure) is one of the pure cores,
 *   below the store and the bus that both speak it.
 * - `events/sources` (Alertmanager and CloudEvents webhooks turned into bus events) is an
 *   ingress like the API: it issues and checks bearer tokens with auth's credential helpers
 *   and answers with the bus's errors, so it sits above auth and below api.
 * - `auth` stays above `ops`, as DESIGN.md orders them: ops (approvals, notifications,
 *   incidents, parameters) work on the store's identity port, never on auth's services; auth
 *   guards every domain below the API.
 * - Folders DESIGN.md names that do not exist yet (fleet, runbooks, stacks, objects and their
 *   pure cores) have their place already, so they cannot be started in the wrong one.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["kernel"],
  ["asl"],
  ["evaluator"],
  [
    "events/pattern",
    "events/transform",
    "events/schedule",
    "events/envelope.ts",
    "runbooks/document",
    "stacks/template",
  ],
  ["store"],
  ["runtime"],
  ["tasks"],
  ["events/bus"],
  ["fleet"],
  ["runbooks"],
  ["stacks"],
  ["objects"],
  ["ops"],
  ["auth"],
  ["events/sources"],
  ["api"],
  ["server"],
  ["cli"],
];

const ORDER = LAYERS.map((units) => units.join("|")).join(" < ");

/** The unit a path under src/ belongs to (the longest matching one), and its layer. */
export function unitOf(path: string): { unit: string; layer: number } | undefined {
  let found: { unit: string; layer: number } | undefined;
  LAYERS.forEach((units, layer) => {
    for (const unit of units) {
      const inside = path === unit || path.startsWith(`${unit}/`);
      if (inside && (!found || unit.length > found.unit.length)) found = { unit, layer };
    }
  });
  return found;
}

/** One import statement: what it names and the line it is on. */
export interface ImportLine {
  specifier: string;
  line: number;
  text: string;
}

/**
 * The imports of a TypeScript file: `import`/`export ... from` statements (Biome keeps them at
 * the start of a line and ends them with `;`), bare `import "x"`, and `import("x")` in code
 * or types.
 */
export function importsOf(source: string): ImportLine[] {
  const found: ImportLine[] = [];
  const patterns = [
    /^(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      const index = match.index ?? 0;
      const line = source.slice(0, index).split("\n").length;
      found.push({ specifier: match[1], line, text: match[0].replace(/\s+/g, " ") });
    }
  }
  return found;
}

/** A broken rule: who imports what, and why that is not allowed. */
export interface Violation {
  file: string;
  line: number;
  import: string;
  target: string;
  rule: string;
}

/**
 * Checks one import from `file` to `target` (both relative to src/, with `.ts`): undefined when
 * allowed, otherwise the rule it breaks.
 */
export function ruleBroken(file: string, target: string): string | undefined {
  const from = unitOf(file);
  const to = unitOf(target);
  if (!from) return `${file} is in no layer: give its folder a place in LAYERS`;
  if (!to) return `${target} is in no layer: give its folder a place in LAYERS`;
  if (from.unit === to.unit || to.layer < from.layer) return undefined;
  if (to.layer === from.layer)
    return `${from.unit} and ${to.unit} are peers in one layer and do not import each other`;
  return `${from.unit} (layer ${from.layer}) may not import ${to.unit} (layer ${to.layer}): dependencies point down only`;
}

const SRC = resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** Every import in src/ that breaks the layer rule. */
export function violations(): { checked: number; found: Violation[] } {
  const found: Violation[] = [];
  let checked = 0;
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path);
    const fileRule = unitOf(file) ? undefined : ruleBroken(file, file);
    if (fileRule) found.push({ file, line: 0, import: "", target: "", rule: fileRule });
    for (const imported of importsOf(readFileSync(path, "utf8"))) {
      if (!imported.specifier.startsWith(".")) continue; // node: builtins and packages
      const targetPath = resolve(dirname(path), imported.specifier).replace(/\.js$/, ".ts");
      const target = relative(SRC, targetPath);
      if (target.startsWith("..")) continue; // package.json and the like
      checked++;
      const rule = ruleBroken(file, target);
      if (rule) found.push({ file, line: imported.line, import: imported.text, target, rule });
    }
  }
  return { checked, found };
}

describe("layers", () => {
  test("every import in src/ points to a lower layer or stays in its unit", () => {
    const { checked, found } = violations();
    // The scanner must see the imports at all (a broken pattern would pass everything).
    assert.ok(checked > 1000, `only ${checked} imports found in src/`);
    const report = found.map(
      (v) => `src/${v.file}:${v.line}: ${v.import}\n    -> src/${v.target}\n    ${v.rule}`,
    );
    assert.equal(
      found.length,
      0,
      `${found.length} imports break the layer rule (layers, lowest first: ${ORDER}):\n${report.join("\n")}`,
    );
  });

  test("the rule refuses upward and peer imports and allows downward ones", () => {
    assert.equal(ruleBroken("events/bus/server.ts", "kernel/clock.ts"), undefined);
    assert.equal(ruleBroken("events/bus/server.ts", "events/bus/service.ts"), undefined);
    assert.equal(ruleBroken("runtime/in-memory.ts", "evaluator/index.ts"), undefined);
    assert.match(
      ruleBroken("events/bus/server.ts", "api/context.ts") ?? "",
      /events\/bus .* may not import api/,
    );
    assert.match(
      ruleBroken("runtime/durable/engine.ts", "tasks/chain.ts") ?? "",
      /may not import tasks/,
    );
    assert.match(
      ruleBroken("events/transform/render.ts", "events/pattern/index.ts") ?? "",
      /peers/,
    );
    assert.match(ruleBroken("console/app.ts", "kernel/clock.ts") ?? "", /in no layer/);
  });

  test("the scanner finds every form of import, type-only ones too", () => {
    const source = [
      'import type { A } from "./a.js";',
      "import {",
      "  b,",
      "  type C,",
      '} from "./b.js";',
      'export * from "./c.js";',
      'export type { D } from "./d.js";',
      'import "./e.js";',
      'type F = typeof import("./f.js");',
      'const g = await import("./g.js");',
      'export const from = "./not-an-import.js";',
    ].join("\n");
    assert.deepEqual(
      importsOf(source)
        .map((i) => i.specifier)
        .sort(),
      ["./a.js", "./b.js", "./c.js", "./d.js", "./e.js", "./f.js", "./g.js"],
    );
  });
});
