/**
 * The pattern as a JSON tree that keeps what `JSON.parse` loses.
 *
 * Patterns are small and validated once, so they get their own parser: it keeps number
 * lexemes (event-ruler rejects `1E-325`, which `JSON.parse` silently turns into 0), applies
 * "last duplicate key wins" the way a streaming parser does, limits nesting depth, and
 * reports syntax errors with a line and column. Events use the native `JSON.parse`.
 */

import { InvalidEventPatternError } from "./errors.js";

/** A node of a parsed pattern. */
export type PatternNode =
  | { readonly type: "object"; readonly entries: ReadonlyArray<readonly [string, PatternNode]> }
  | { readonly type: "array"; readonly items: readonly PatternNode[] }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "number"; readonly value: number; readonly lexeme: string }
  | { readonly type: "boolean"; readonly value: boolean }
  | { readonly type: "null" };

/** Deepest nesting accepted in a pattern; real patterns stay far below it. */
export const MAX_PATTERN_DEPTH = 64;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  fail(message: string): never {
    let line = 1;
    let column = 1;
    for (let i = 0; i < this.pos && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        column = 1;
      } else column++;
    }
    throw new InvalidEventPatternError(message, "", { line, column });
  }

  private ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      this.pos++;
    }
  }

  document(): PatternNode {
    this.ws();
    const value = this.value(0);
    this.ws();
    if (this.pos < this.text.length) this.fail("Unexpected content after the JSON value");
    return value;
  }

  private value(depth: number): PatternNode {
    if (depth > MAX_PATTERN_DEPTH) this.fail(`Pattern nesting exceeds ${MAX_PATTERN_DEPTH} levels`);
    const c = this.text[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return { type: "string", value: this.string() };
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, node] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return node;
      }
    }
    if (c === undefined) this.fail("Unexpected end-of-input");
    const token = /^[^\s{}[\],:"]+/.exec(this.text.slice(this.pos, this.pos + 40))?.[0] ?? c;
    return this.fail(`Unrecognized token '${token}'`);
  }

  private object(depth: number): PatternNode {
    this.pos++;
    const entries = new Map<string, PatternNode>();
    this.ws();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return { type: "object", entries: [] };
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail("Was expecting double-quote to start field name");
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ":")
        this.fail("Was expecting a colon to separate field name and value");
      this.pos++;
      this.ws();
      const value = this.value(depth + 1);
      // Last occurrence wins, and takes the position of the last occurrence.
      entries.delete(key);
      entries.set(key, value);
      this.ws();
      const next = this.text[this.pos++];
      if (next === "}") return { type: "object", entries: [...entries] };
      if (next !== ",") {
        this.pos--;
        this.fail("Was expecting comma to separate Object entries");
      }
    }
  }

  private array(depth: number): PatternNode {
    this.pos++;
    const items: PatternNode[] = [];
    this.ws();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return { type: "array", items };
    }
    for (;;) {
      this.ws();
      items.push(this.value(depth + 1));
      this.ws();
      const next = this.text[this.pos++];
      if (next === "]") return { type: "array", items };
      if (next !== ",") {
        this.pos--;
        this.fail("Was expecting comma to separate Array entries");
      }
    }
  }

  private string(): string {
    const t = this.text;
    const start = ++this.pos;
    // Fast path: no escapes.
    let i = start;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return t.slice(start, i);
      }
      if (c === 92 || c < 32) break;
      i++;
    }
    let out = t.slice(start, i);
    this.pos = i;
    for (;;) {
      if (this.pos >= t.length) this.fail("Unexpected end-of-input: was expecting closing quote");
      const c = t.charCodeAt(this.pos);
      if (c === 34) {
        this.pos++;
        return out;
      }
      if (c < 32) this.fail("Illegal unquoted control character in string");
      if (c !== 92) {
        out += t[this.pos++];
        continue;
      }
      const e = t[this.pos + 1];
      const simple = e === undefined ? undefined : ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.pos += 2;
      } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
        out += String.fromCharCode(Number.parseInt(t.slice(this.pos + 2, this.pos + 6), 16));
        this.pos += 6;
      } else {
        this.fail(`Unrecognized character escape '${e ?? ""}'`);
      }
    }
  }

  private number(): PatternNode {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail("Invalid numeric value");
    this.pos += m[0].length;
    return { type: "number", value: Number(m[0]), lexeme: m[0] };
  }
}

const LITERALS: ReadonlyArray<readonly [string, PatternNode]> = [
  ["true", { type: "boolean", value: true }],
  ["false", { type: "boolean", value: false }],
  ["null", { type: "null" }],
];

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Parses pattern text; throws {@link InvalidEventPatternError} on malformed JSON. */
export function parsePatternText(text: string): PatternNode {
  return new Parser(text).document();
}

/** Converts an already-parsed JS value (e.g. from a request body) into a pattern tree. */
export function patternFromValue(value: unknown, depth = 0): PatternNode {
  if (depth > MAX_PATTERN_DEPTH) {
    throw new InvalidEventPatternError(`Pattern nesting exceeds ${MAX_PATTERN_DEPTH} levels`);
  }
  if (value === null) return { type: "null" };
  switch (typeof value) {
    case "string":
      return { type: "string", value };
    case "boolean":
      return { type: "boolean", value };
    case "number":
      return { type: "number", value, lexeme: String(value) };
    case "object": {
      if (Array.isArray(value)) {
        return { type: "array", items: value.map((v) => patternFromValue(v, depth + 1)) };
      }
      const entries = Object.entries(value as Record<string, unknown>).map(
        ([k, v]) => [k, patternFromValue(v, depth + 1)] as const,
      );
      return { type: "object", entries };
    }
    default:
      throw new InvalidEventPatternError(`A ${typeof value} is not a JSON value`);
  }
}
