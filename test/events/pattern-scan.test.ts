/**
 * The JSON scanner (`matchesForJson`'s fast path) must answer exactly as `JSON.parse` plus
 * value flattening (`matchesForParsedJson`): same matches, same errors. Events are generated
 * as text so that what `JSON.stringify` never writes is covered too: escapes of every kind,
 * any Unicode (lone surrogates included), numbers in every notation, whitespace everywhere,
 * deep nesting, arrays of objects and of arrays, duplicate keys (JSON.parse keeps the last),
 * keys with dots, and broken texts.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { RelevantPaths } from "../../src/events/pattern/event.js";
import {
  InvalidEventError,
  PatternMatcher,
  validatePattern,
} from "../../src/events/pattern/index.js";
import { PathTree } from "../../src/events/pattern/path-tree.js";
import { scanEvent } from "../../src/events/pattern/scan.js";

/** A JSON document as the generator builds it, rendered to text separately. */
type Doc =
  | { t: "str"; s: string }
  | { t: "num"; lexeme: string }
  | { t: "lit"; v: "true" | "false" | "null" }
  | { t: "arr"; items: Doc[] }
  | { t: "obj"; entries: [string, Doc][] };

const KEYS = ["a", "b", "c", "a.b", "x-y", "é", 'k"q', "", "__proto__", "\u{1F600}"];
const WORDS = ["a", "ab", "abc", "AB", "10.0.0.1", "ΰ", "Ϋ́", "x*y", "", "null", "300", "é"];

const digits = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(..."0123456789"), { minLength: min, maxLength: max })
    .map((d) => d.join(""));
const numberLexeme = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant("0"), fc.tuple(fc.constantFrom(..."123456789"), digits(0, 20))),
    fc.option(digits(1, 8)),
    fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), digits(1, 3))),
  )
  .map(([negative, int, frac, exp]) => {
    const whole = typeof int === "string" ? int : int.join("");
    return `${negative ? "-" : ""}${whole}${frac === null ? "" : `.${frac}`}${exp === null ? "" : exp.join("")}`;
  });

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 6,
    }),
  },
);

const docArb: fc.Arbitrary<Doc> = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    text.map((s) => ({ t: "str" as const, s })),
    numberLexeme.map((lexeme) => ({ t: "num" as const, lexeme })),
    fc.constantFrom("true", "false", "null").map((v) => ({ t: "lit" as const, v })),
    fc.array(tie("doc"), { maxLength: 4 }).map((items) => ({ t: "arr" as const, items })),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), text), tie("doc")), { maxLength: 5 })
      .map((entries) => ({ t: "obj" as const, entries })),
  ),
})).doc;

const eventArb = fc
  .array(fc.tuple(fc.constantFrom(...KEYS), docArb), { maxLength: 7 })
  .map((entries): Doc => ({ t: "obj", entries }));

const SHORT: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "/": "\\/",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** Renders a document; `choice` drives escapes and whitespace deterministically. */
function render(doc: Doc, choice: () => number): string {
  const ws = () => [" ", "", "", "\n", "\t", "\r\n  "][choice() % 6]!;
  const str = (s: string) => {
    let out = '"';
    for (const ch of s) {
      const code = ch.charCodeAt(0);
      const mustEscape = ch === '"' || ch === "\\" || code < 0x20;
      const pick = choice() % 8;
      if (!mustEscape && pick < 5) out += ch;
      else if (SHORT[ch] !== undefined && pick < 7) out += SHORT[ch];
      else
        for (let i = 0; i < ch.length; i++) {
          const hex = ch.charCodeAt(i).toString(16).padStart(4, "0");
          out += `\\u${pick % 2 ? hex : hex.toUpperCase()}`;
        }
    }
    return `${out}"`;
  };
  const go = (d: Doc): string => {
    switch (d.t) {
      case "str":
        return str(d.s);
      case "num":
        return d.lexeme;
      case "lit":
        return d.v;
      case "arr":
        return `[${ws()}${d.items.map((i) => `${go(i)}${ws()}`).join(`,${ws()}`)}]`;
      case "obj":
        return `{${ws()}${d.entries.map(([k, v]) => `${str(k)}${ws()}:${ws()}${go(v)}${ws()}`).join(`,${ws()}`)}}`;
    }
  };
  return `${ws()}${go(doc)}${ws()}`;
}

const renderedEvent = fc
  .tuple(eventArb, fc.array(fc.nat(), { minLength: 1, maxLength: 64 }))
  .map(([doc, seeds]) => {
    let i = 0;
    return render(doc, () => seeds[i++ % seeds.length]! + i);
  });

/** Patterns over the same keys, using every operator family. */
const operand = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(0, 1, -3, 300, 2.5, 1e21, -0),
  fc.constantFrom(true, false, null),
  fc.constantFrom(...WORDS).map((w) => ({ prefix: w })),
  fc.constantFrom(...WORDS).map((w) => ({ suffix: { "equals-ignore-case": w } })),
  fc.constantFrom(...WORDS).map((w) => ({ "equals-ignore-case": w })),
  fc.constantFrom("a*", "*b", "*").map((w) => ({ wildcard: w })),
  fc.constantFrom(...WORDS).map((w) => ({ "anything-but": w })),
  fc
    .constantFrom<unknown[]>([">", 0], ["<", 300], [">=", -5, "<", 1e22])
    .map((n) => ({ numeric: n })),
  fc.constantFrom("10.0.0.0/24", "::/0").map((c) => ({ cidr: c })),
  fc.boolean().map((b) => ({ exists: b })),
);
const PATHS = [
  "a",
  "b",
  "a.b",
  "a.b.c",
  "b.a",
  "c.c",
  "x-y",
  "é",
  'k"q',
  "__proto__",
  "a.__proto__",
];
const patternArb = fc
  .uniqueArray(
    fc.tuple(fc.constantFrom(...PATHS), fc.array(operand, { minLength: 1, maxLength: 2 })),
    {
      minLength: 1,
      maxLength: 3,
      selector: ([p]) => p,
    },
  )
  .map((clauses) => {
    // Dotted paths become nested objects; both spellings mean the same field.
    const out: Record<string, unknown> = {};
    for (const [path, list] of clauses) {
      const parts = path.split(".");
      let at = out;
      for (const p of parts.slice(0, -1)) {
        if (typeof at[p] !== "object" || Array.isArray(at[p])) at[p] = {};
        at = at[p] as Record<string, unknown>;
      }
      at[parts.at(-1)!] = list;
    }
    return out;
  });

/** The scanner's root level for rules on `fields` (registered with their prefixes, as the machine does). */
function levelOf(fields: string[]) {
  const paths = new RelevantPaths();
  for (const field of fields) {
    const parts = field.split(".");
    for (let i = 1; i <= parts.length; i++) paths.update(parts.slice(0, i).join("."), 1);
  }
  return new PathTree(paths).level("");
}

function matcherOf(patterns: unknown[]): PatternMatcher {
  const matcher = new PatternMatcher();
  patterns.forEach((p, i) => {
    if (!validatePattern(p)) matcher.addRule(`r${i}`, p);
  });
  return matcher;
}

/** What a path answers: the sorted matches, or the error's class. */
function answer(run: () => string[]): string[] | string {
  try {
    return run().sort();
  } catch (error) {
    return error instanceof InvalidEventError ? "InvalidEventError" : `other: ${error}`;
  }
}

function agree(matcher: PatternMatcher, eventText: string): void {
  assert.deepEqual(
    answer(() => matcher.matchesForJson(eventText)),
    answer(() => matcher.matchesForParsedJson(eventText)),
    eventText,
  );
}

test("scanner and JSON.parse agree on generated events and patterns", () => {
  const everyPath = levelOf(PATHS);
  let generated = 0;
  let scanned = 0;
  fc.assert(
    fc.property(
      fc.array(patternArb, { minLength: 1, maxLength: 12 }),
      fc.array(renderedEvent, { minLength: 1, maxLength: 6 }),
      (patterns, events) => {
        const matcher = matcherOf(patterns);
        for (const e of events) {
          agree(matcher, e);
          generated++;
          if (scanEvent(e, everyPath) !== undefined) scanned++;
        }
      },
    ),
    { numRuns: 400 },
  );
  // Not vacuous: most generated events take the fast path (duplicates and 1e-400-style
  // oddities aside), so the agreement above is the scanner's, not JSON.parse's with itself.
  assert.ok(scanned > generated * 0.6, `scanned ${scanned} of ${generated}`);
});

test("scanner and JSON.parse agree on broken and truncated texts", () => {
  fc.assert(
    fc.property(
      fc.array(patternArb, { minLength: 1, maxLength: 6 }),
      renderedEvent,
      fc.nat(),
      fc.constantFrom("delete", "insert", "replace", "truncate"),
      fc.constantFrom(...'{}[],:"\\0-.eE+ \u0001tfnux'),
      (patterns, eventText, at, how, ch) => {
        const i = at % (eventText.length + 1);
        const broken =
          how === "delete"
            ? eventText.slice(0, i) + eventText.slice(i + 1)
            : how === "insert"
              ? eventText.slice(0, i) + ch + eventText.slice(i)
              : how === "replace"
                ? eventText.slice(0, i) + ch + eventText.slice(i + 1)
                : eventText.slice(0, i);
        agree(matcherOf(patterns), broken);
      },
    ),
    { numRuns: 1500 },
  );
});

test("duplicate keys: the last value wins on both paths", () => {
  const m = new PatternMatcher();
  m.addRule("one", { a: ["1"] });
  m.addRule("two", { a: { b: [2] } });
  for (const text of [
    '{"a":"1","a":"2"}',
    '{"a":"2","a":"1"}',
    '{"a":{"b":2},"a":{"c":2}}',
    '{"a":{"b":1,"b":2}}',
    '{"a":{"b":2,"b":1}}',
    '{"a.b":2,"a":{"b":3}}',
    '{"\\u0061":"2","a":"1"}',
  ]) {
    assert.deepEqual(m.matchesForJson(text).sort(), m.matchesForParsedJson(text).sort(), text);
  }
  assert.deepEqual(m.matchesForJson('{"a":"2","a":"1"}'), ["one"]);
  assert.deepEqual(m.matchesForJson('{"a":"1","a":"2"}'), []);
});

test("the scanner decides ordinary events itself, and leaves odd ones to JSON.parse", () => {
  const root = levelOf(["source", "detail.state", "detail.items.name"]);
  const event = {
    source: "aws.ec2",
    detail: {
      state: "running",
      items: [{ name: 'x\n"y\u00e9\u{1F600}' }, { name: 1.5e300 }],
      skip: { deep: [[[{}]]] },
    },
  };
  const flat = scanEvent(JSON.stringify(event), root);
  assert.ok(flat, "JSON.stringify output is scanned, not parsed");
  assert.deepEqual(
    flat.get("detail.items.name")?.leaves.map((l) => [l.value, l.chain?.idx]),
    [
      ['x\n"y\u00e9\u{1F600}', 0],
      [1.5e300, 1],
    ],
  );
  for (const odd of [
    '{"source":"a","source":"b"}',
    "[1]",
    "5",
    '{"a":1',
    '{"a":"\u0001"}',
    '{"a":01}',
  ]) {
    assert.equal(scanEvent(odd, root), undefined, odd);
  }
});

test("numbers keep JSON.parse's value in every notation", () => {
  const m = new PatternMatcher();
  m.addRule("eq", { n: [300] });
  m.addRule("big", { n: [{ numeric: [">", 9007199254740991] }] });
  m.addRule("neg", { n: [{ numeric: ["<", 0] }] });
  for (const lexeme of [
    "300",
    "300.0",
    "3e2",
    "3.0E+2",
    "30000e-2",
    "-0",
    "-0.0",
    "9007199254740993",
    "123456789012345678901234",
    "1e999",
    "-1e999",
    "0.1e-400",
  ]) {
    const text = `{"n":${lexeme}}`;
    assert.deepEqual(m.matchesForJson(text).sort(), m.matchesForParsedJson(text).sort(), lexeme);
  }
  assert.deepEqual(m.matchesForJson('{"n":3.0e2}'), ["eq"]);
});

test("events nested deeper than the machine follows fail the same way on both paths", () => {
  const m = new PatternMatcher();
  m.addRule("r", { a: [1], z: [{ exists: false }] });
  const deepRelevant = `{"a":${"[".repeat(2_000)}1${"]".repeat(2_000)}}`;
  assert.throws(() => m.matchesForJson(deepRelevant), InvalidEventError);
  // Deep nesting where no rule looks is stepped over without recursion.
  const deepElsewhere = `{"a":1,"q":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
  assert.deepEqual(m.matchesForJson(deepElsewhere), ["r"]);
  assert.deepEqual(m.matchesForParsedJson(deepElsewhere), ["r"]);
});

test("levels with many keys (hashed lookup) agree with JSON.parse, escaped and dotted keys too", () => {
  const m = new PatternMatcher();
  for (let i = 0; i < 300; i++) m.addRule(`k${i}`, { tags: { [`t${i}`]: [{ exists: true }] } });
  for (let i = 0; i < 20; i++) m.addRule(`d${i}`, { "tags.x": { [`y${i}`]: ["on"] } });
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.oneof(
            fc.nat(400).map((n) => `t${n}`),
            fc.constantFrom("x.y3", "x", "t1é"),
          ),
          fc.boolean(),
        ),
        { maxLength: 12 },
      ),
      fc.boolean(),
      (entries, escapeSome) => {
        const body = entries
          .map(([key, on], i) => {
            const spelled = escapeSome && i % 2 ? key.replace("t", "\\u0074") : key;
            return key === "x" ? `"x":{"y${i % 25}":"on"}` : `"${spelled}":${on ? '"on"' : "null"}`;
          })
          .join(",");
        for (const text of [`{"tags":{${body}}}`, `{"tags.x":{"y4":"on"},"tags":{${body}}}`]) {
          const scanned = m.matchesForJson(text).sort();
          assert.deepEqual(scanned, m.matchesForParsedJson(text).sort(), text);
        }
      },
    ),
    { numRuns: 300 },
  );
  assert.deepEqual(m.matchesForJson('{"tags":{"t7":1,"\\u0074299":2,"t300":3}}').sort(), [
    "k299",
    "k7",
  ]);
  assert.deepEqual(m.matchesForJson('{"tags":{"x.y3":"on","x":{"y4":"on"}}}').sort(), ["d3", "d4"]);
});
