/**
 * Filter expressions (`[?( ... )]`) as Jayway's FilterCompiler reads them: `||`, `&&`, `!`,
 * parentheses, comparisons `== != < <= > >= =~` between paths (`@...`, `$...`) and literals
 * (strings, numbers, true/false/null, JSON arrays/objects, `/regex/flags`), and a bare path
 * as an existence test.
 */
import type { Json } from "../json.js";
import type { CompareOp, FilterExpr, FilterOperand } from "./ast.js";
import { findClose, MAX_NESTING, parsePath, skipLiteral } from "./parser.js";
import { PathSyntaxError } from "./syntax-error.js";

/** Parses the body of a filter; `path` is the whole path, for messages. */
export function parseFilter(body: string, path: string, depth: number): FilterExpr {
  if (depth > MAX_NESTING) throw new PathSyntaxError(path, `path '${path}' is nested too deeply`);
  const parser = new FilterParser(body, path, depth);
  const expr = parser.readOr();
  parser.skip();
  if (parser.pos < body.length) parser.fail("unexpected text");
  return expr;
}

const OPERATORS: readonly CompareOp[] = ["==", "!=", "<=", ">=", "=~", "<", ">"];

class FilterParser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly path: string,
    readonly depth: number,
  ) {}

  fail(what: string): never {
    throw new PathSyntaxError(
      this.path,
      `invalid filter '${this.text}' in '${this.path}' at position ${this.pos}: ${what}`,
    );
  }

  skip(): void {
    while (this.text[this.pos] === " ") this.pos++;
  }

  private eat(s: string): boolean {
    this.skip();
    if (this.text.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  readOr(): FilterExpr {
    let left = this.readAnd();
    while (this.eat("||")) left = { kind: "or", left, right: this.readAnd() };
    return left;
  }

  private readAnd(): FilterExpr {
    let left = this.readUnary();
    while (this.eat("&&")) left = { kind: "and", left, right: this.readUnary() };
    return left;
  }

  private readUnary(): FilterExpr {
    this.skip();
    const c = this.text[this.pos];
    if (c === "!" && this.text[this.pos + 1] !== "=") {
      this.pos++;
      this.skip();
      const next = this.text[this.pos];
      // `!@.x` is a negated existence test, `!(...)` a negation.
      if (next === "@" || next === "$") {
        const path = this.readPathOperand();
        return { kind: "exists", path, expected: false };
      }
      return { kind: "not", expr: this.readUnary() };
    }
    if (c === "(") {
      this.pos++;
      const inner = this.readOr();
      if (!this.eat(")")) this.fail("expected ')'");
      return inner;
    }
    return this.readRelation();
  }

  private readRelation(): FilterExpr {
    const left = this.readOperand();
    this.skip();
    const op = OPERATORS.find((o) => this.text.startsWith(o, this.pos));
    if (op === undefined) {
      if (left.kind !== "path") this.fail("a literal alone is not a condition");
      return { kind: "exists", path: left.path, expected: true };
    }
    this.pos += op.length;
    const right = this.readOperand();
    if (op === "=~" && left.kind !== "regex" && right.kind !== "regex") {
      this.fail("=~ needs a /regex/ operand");
    }
    return { kind: "compare", op, left, right };
  }

  private readOperand(): FilterOperand {
    this.skip();
    const text = this.text;
    const c = text[this.pos];
    if (c === "@" || c === "$") return { kind: "path", path: this.readPathOperand() };
    if (c === "'" || c === '"') {
      const end = skipLiteral(text, this.pos, c);
      if (end === -1) this.fail("unterminated string");
      const value = unescapeJava(text.slice(this.pos + 1, end), this);
      this.pos = end + 1;
      return { kind: "literal", value };
    }
    if (c === "/") return this.readRegex();
    if (c === "[" || c === "{") return { kind: "literal", value: this.readJson(c) };
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { kind: "literal", value };
      }
    }
    const number = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      const value = Number(number[0]);
      if (!Number.isFinite(value)) this.fail("number out of range");
      return { kind: "literal", value };
    }
    return this.fail("expected a path, a string, a number, true, false, null or /regex/");
  }

  /** A path operand ends at a blank, an operator character or a ')' closing the group. */
  private readPathOperand() {
    const text = this.text;
    const begin = this.pos;
    let i = begin + 1;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === "[" || c === "(") {
        const close = c === "[" ? findBracket(text, i) : findClose(text, i);
        if (close === -1) this.fail(`unbalanced '${c}' in path`);
        i = close + 1;
        continue;
      }
      if (" <>=~!)&|".includes(c)) break;
      i++;
    }
    this.pos = i;
    return parsePath(text.slice(begin, i), true, this.depth + 1);
  }

  private readRegex(): FilterOperand {
    const text = this.text;
    const end = skipLiteral(text, this.pos, "/");
    if (end === -1) this.fail("unterminated regex");
    const source = text.slice(this.pos + 1, end);
    let flagsEnd = end + 1;
    while (/[a-z]/i.test(text[flagsEnd] ?? "")) flagsEnd++;
    const javaFlags = text.slice(end + 1, flagsEnd);
    this.pos = flagsEnd;
    let flags = "y";
    for (const f of javaFlags) {
      if (f === "i" || f === "m" || f === "s") {
        if (!flags.includes(f)) flags += f;
      } else this.fail(`unsupported regex flag '${f}'`);
    }
    try {
      // Java's matches() needs the whole input: anchor with sticky + a true end-of-input test.
      return { kind: "regex", regex: new RegExp(`(?:${source})(?![\\s\\S])`, flags) };
    } catch {
      return this.fail(`invalid regex /${source}/`);
    }
  }

  private readJson(open: string): Json {
    const close = findBracket(this.text, this.pos, open, open === "[" ? "]" : "}");
    if (close === -1) this.fail("unbalanced JSON literal");
    const source = this.text.slice(this.pos, close + 1);
    this.pos = close + 1;
    try {
      return JSON.parse(source) as Json;
    } catch {
      return this.fail(`invalid JSON literal ${source}`);
    }
  }
}

/** Index of the bracket closing the one at `start` (quote-aware), or -1. */
function findBracket(text: string, start: number, open = "[", close = "]"): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      i = skipLiteral(text, i, c);
      if (i === -1) return -1;
    } else if (c === open) depth++;
    else if (c === close && --depth === 0) return i;
  }
  return -1;
}

const ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  r: "\r",
  f: "\f",
  t: "\t",
  n: "\n",
  b: "\b",
};

/** Jayway's Utils.unescape for filter string literals; unknown escapes keep the character. */
function unescapeJava(s: string, parser: FilterParser): string {
  if (!s.includes("\\")) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === undefined) out += "\\";
    else if (e === "u") {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) parser.fail(`unable to parse unicode value: ${hex}`);
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else out += ESCAPES[e] ?? e;
  }
  return out;
}
