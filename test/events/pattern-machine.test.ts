/**
 * The combined machine must answer exactly as each rule alone (property test), rule
 * removal must leave no trace, and nothing a client sends may throw anything but the typed
 * errors or hang.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  compilePattern,
  InvalidEventError,
  InvalidEventPatternError,
  PatternMatcher,
  testEventPattern,
  validatePattern,
} from "../../src/events/pattern/index.js";

const word = fc.constantFrom("a", "ab", "abc", "B", "Ab", "x1", "", "10.0.0.1", "10.0.1.7");
const num = fc.constantFrom(0, 1, 2.5, -3, 100, 300, 1e9);
const field = fc.constantFrom("f1", "f2", "g.h", "g.k", "arr.v", "arr.w");

const operand = fc.oneof(
  word,
  num,
  fc.constantFrom(true, false, null),
  word.map((w) => ({ prefix: w })),
  word.map((w) => ({ suffix: w })),
  word.map((w) => ({ "equals-ignore-case": w })),
  word.map((w) => ({ prefix: { "equals-ignore-case": w } })),
  word.map((w) => ({ suffix: { "equals-ignore-case": w } })),
  fc.constantFrom("a*", "*b", "*", "a*c", "*b*").map((w) => ({ wildcard: w })),
  word.map((w) => ({ "anything-but": w })),
  fc.array(num, { minLength: 1, maxLength: 3 }).map((ns) => ({ "anything-but": ns })),
  word.filter((w) => w !== "").map((w) => ({ "anything-but": { prefix: w } })),
  fc.constantFrom<unknown[]>(["<", 2], [">=", 0], [">", -5, "<=", 100], ["=", 300]).map((r) => ({
    numeric: r,
  })),
  fc.constantFrom("10.0.0.0/24", "10.0.0.0/8", "::/0").map((c) => ({ cidr: c })),
  fc.boolean().map((b) => ({ exists: b })),
);

/** Builds a nested pattern object from dotted fields (the pattern language's shape). */
function nest(fields: Array<[string, unknown[]]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, list] of fields) {
    const parts = path.split(".");
    let at = out;
    for (const p of parts.slice(0, -1)) {
      at[p] ??= {};
      at = at[p] as Record<string, unknown>;
    }
    at[parts.at(-1)!] = list;
  }
  return out;
}

const clause = fc.tuple(field, fc.array(operand, { minLength: 1, maxLength: 3 }));
const simplePattern = fc
  .uniqueArray(clause, { minLength: 1, maxLength: 3, selector: ([f]) => f })
  .map(nest);
const patternArb = fc.oneof(
  { weight: 4, arbitrary: simplePattern },
  fc.tuple(simplePattern, simplePattern).map(([a, b]) => ({ $or: [a, b] })),
);

const leaf = fc.oneof(word, num, fc.constantFrom(true, false, null));
const eventArb = fc.record(
  {
    f1: fc.oneof(leaf, fc.array(leaf, { maxLength: 3 })),
    f2: leaf,
    g: fc.record(
      { h: leaf, k: fc.oneof(leaf, fc.array(leaf, { maxLength: 2 })) },
      { requiredKeys: [] },
    ),
    arr: fc.array(fc.record({ v: leaf, w: leaf }, { requiredKeys: [] }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

test("the combined machine answers as each rule alone, also after removals", () => {
  fc.assert(
    fc.property(
      fc.array(patternArb, { minLength: 1, maxLength: 25 }),
      fc.array(eventArb, { minLength: 1, maxLength: 8 }),
      (patterns, events) => {
        const matcher = new PatternMatcher();
        const valid: Array<[string, unknown]> = [];
        patterns.forEach((p, i) => {
          if (validatePattern(p)) return;
          matcher.addRule(`r${i}`, p);
          valid.push([`r${i}`, p]);
        });
        const check = (rules: Array<[string, unknown]>): void => {
          for (const event of events) {
            const expected = rules.filter(([, p]) => testEventPattern(p, event)).map(([id]) => id);
            assert.deepEqual(matcher.matchesFor(event).sort(), expected.sort());
            assert.deepEqual(matcher.matchesForJson(JSON.stringify(event)).sort(), expected.sort());
          }
        };
        check(valid);
        const kept = valid.filter((_, i) => i % 2 === 0);
        for (const [id] of valid.filter((_, i) => i % 2 === 1)) matcher.removeRule(id);
        check(kept);
      },
    ),
    { numRuns: 300 },
  );
});

test("removing every rule leaves an empty machine", () => {
  const m = new PatternMatcher();
  m.addRule("a", { x: [{ prefix: "a" }], y: [{ numeric: [">", 1] }] });
  m.addRule("b", { x: [{ prefix: "a" }], z: [{ exists: false }] });
  assert.deepEqual(m.matchesFor({ x: "ab" }), ["b"]);
  m.removeRule("a");
  m.removeRule("b");
  assert.equal(m.size, 0);
  assert.deepEqual(m.matchesFor({ x: "ab", y: 2 }), []);
  m.addRule("a", '{"x":["ab"]}');
  assert.deepEqual(m.matchesFor({ x: "ab" }), ["a"]);
});

test("an invalid rule leaves the machine unchanged", () => {
  const m = new PatternMatcher();
  m.addRule("a", { x: ["1"] });
  assert.throws(() => m.addRule("a", { x: 1 }), InvalidEventPatternError);
  assert.deepEqual(m.matchesFor({ x: "1" }), ["a"]);
});

test("errors are typed and located", () => {
  const error = validatePattern('{"detail": {"state": [{"anything-but": null}]}}');
  assert.ok(error instanceof InvalidEventPatternError);
  assert.equal(error.code, "InvalidEventPatternException");
  assert.equal(error.pointer, "/detail/state/0/anything-but");
  assert.match(error.message, /^Event pattern is not valid\. Reason: Value of anything-but/);
  const syntax = validatePattern('{"a": [1,}');
  assert.ok(syntax instanceof InvalidEventPatternError);
  assert.equal(syntax.line, 1);
});

test("hostile input: only typed errors, no hangs", () => {
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  assert.throws(() => compilePattern(deep), InvalidEventPatternError);
  assert.throws(() => compilePattern(`{"a":${deep}}`), InvalidEventPatternError);
  for (const bad of [
    null,
    5,
    "x",
    [],
    undefined,
    () => 1,
    { a: [undefined] },
    { a: [Number.NaN] },
  ]) {
    assert.throws(() => compilePattern(bad), InvalidEventPatternError);
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.a = cyclic;
  assert.throws(() => compilePattern(cyclic), InvalidEventPatternError);

  const m = new PatternMatcher();
  m.addRule("r", { a: { x: [1] }, b: { y: [1] }, c: { z: [1] }, d: [{ exists: false }] });
  m.addRule("s", { a: { x: [1], w: [2] } });
  for (const event of [null, 5, "x", [], true, { a: null }, { a: [[[[]]]] }]) {
    assert.deepEqual(m.matchesFor(event), []);
  }
  // Sibling arrays of 5,000 elements each: a naive walk would try 5,000^3 combinations.
  const big = (k: string) => Array.from({ length: 5_000 }, () => ({ [k]: 1 }));
  const start = performance.now();
  assert.deepEqual(m.matchesFor({ a: big("x"), b: big("y"), c: big("z") }), ["r"]);
  // Two fields of one 20,000-element array, never in the same element.
  const mixed = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? { x: 1 } : { w: 2 }));
  assert.deepEqual(m.matchesFor({ a: mixed }), []);
  assert.ok(performance.now() - start < 5_000, "large arrays must stay fast");

  const nested = `{"a":${"[".repeat(50_000)}1${"]".repeat(50_000)}}`;
  assert.throws(() => m.matchesForJson(nested), InvalidEventError);
  assert.throws(() => m.matchesForJson("{not json"), InvalidEventError);
  assert.deepEqual(m.matchesForJson('{"a":{"x":1,"w":2,"huge":1e999,"tiny":-1e999}}'), ["s"]);
  assert.deepEqual(m.matchesForJson('{"a":{"x":1e999,"w":2}}'), []);
});

test("numbers compare by value; strings never equal numbers", () => {
  assert.equal(testEventPattern('{"n":[300]}', '{"n":3.0e2}'), true);
  assert.equal(testEventPattern('{"n":[300]}', '{"n":"300"}'), false);
  assert.equal(testEventPattern('{"n":[{"numeric":["<",1e308]}]}', '{"n":-1e308}'), true);
  assert.ok(validatePattern('{"n":[{"numeric":["=",1E-325]}]}'));
});

test("wildcard rules are indexed but still match exactly", () => {
  const m = new PatternMatcher();
  const globs = ["ab*", "*yz", "*m*", "a*z", "", "*", "lit"];
  globs.forEach((g, i) => {
    m.addRule(`w${i}`, { v: [{ wildcard: g }] });
  });
  const got = (v: string) => m.matchesFor({ v }).sort();
  assert.deepEqual(got("abyz"), ["w0", "w1", "w3", "w5"]);
  assert.deepEqual(got("amz"), ["w2", "w3", "w5"]);
  assert.deepEqual(got(""), ["w4", "w5"]);
  assert.deepEqual(got("lit"), ["w5", "w6"]);
});
