/**
 * JSONPath text → tokens, following Jayway's PathCompiler (the parser Step Functions uses) so
 * that the same texts are accepted and mean the same thing. Deliberate differences: spaces in
 * dot-notation names and unsupported functions are rejected here, as they are in Jayway.
 */
import type { FilterToken, ParsedPath, PathToken, PropertyToken } from "./ast.js";
import { parseFilter } from "./filter-parser.js";
import { PathSyntaxError } from "./syntax-error.js";

/** Paths nested deeper than this (filters inside filters) are refused, to bound recursion. */
export const MAX_NESTING = 32;

const INT_MAX = 2147483647;

/** Parses a path starting with `$` (or `@` when `relative`). Throws PathSyntaxError. */
export function parsePath(text: string, relative = false, depth = 0): ParsedPath {
  if (depth > MAX_NESTING) throw new PathSyntaxError(text, `path '${text}' is nested too deeply`);
  const root = text[0];
  if (root !== "$" && !(relative && root === "@")) {
    throw new PathSyntaxError(text, `path '${text}' must start with '$'`);
  }
  const tokens: PathToken[] = [];
  const p = new PathReader(text, depth);
  if (text.length > 1 && text[1] !== "." && text[1] !== "[") {
    p.fail(1, "expected '.' or '['");
  }
  let pos = 1;
  while (pos < text.length) pos = p.readToken(pos, tokens);
  if (text.endsWith(".")) p.fail(text.length - 1, "a path must not end with '.' or '..'");
  const fn = tokens.findIndex((t) => t.kind === "function");
  if (fn !== -1 && fn !== tokens.length - 1) p.fail(0, "a function must be the last element");
  return { text, root: root as "$" | "@", tokens };
}

class PathReader {
  constructor(
    readonly text: string,
    readonly depth: number,
  ) {}

  fail(pos: number, what: string): never {
    throw new PathSyntaxError(
      this.text,
      `invalid JSONPath '${this.text}' at position ${pos}: ${what}`,
    );
  }

  /** Reads one token at `pos` into `out`; returns the position after it. */
  readToken(pos: number, out: PathToken[]): number {
    const c = this.text[pos];
    if (c === "[") return this.readBracket(pos, out);
    if (c === ".") {
      if (this.text[pos + 1] === ".") {
        out.push({ kind: "scan" });
        pos += 2;
      } else {
        pos += 1;
      }
      if (pos >= this.text.length) this.fail(pos, "a path must not end with '.' or '..'");
      const next = this.text[pos];
      if (next === ".") this.fail(pos, "unexpected '.'");
      if (next === "[") return this.readBracket(pos, out);
      return this.readMember(pos, out);
    }
    // Jayway reads a name right after a bracket (`$['a']b` is `$['a'].b`); so do we.
    return this.readMember(pos, out);
  }

  /** `*`, a name, or a function call `name()`, after a dot. */
  private readMember(pos: number, out: PathToken[]): number {
    const text = this.text;
    if (text[pos] === "*") {
      out.push({ kind: "wildcard" });
      return pos + 1;
    }
    let end = pos;
    while (end < text.length) {
      const c = text[end];
      if (c === " ") this.fail(end, "use bracket notation ['my prop'] for names with blanks");
      if (c === "." || c === "[" || c === "(") break;
      end++;
    }
    if (end === pos) this.fail(pos, "expected a property name");
    const name = text.slice(pos, end);
    if (text[end] === "(") {
      // Only `length()` is supported, without arguments.
      const close = text.indexOf(")", end);
      if (close === -1 || text.slice(end + 1, close).trim() !== "") {
        this.fail(end, "functions take no arguments");
      }
      if (name !== "length") this.fail(pos, `unsupported function '${name}()'`);
      out.push({ kind: "function", name: "length" });
      return close + 1;
    }
    out.push({ kind: "property", names: [name], quote: "'" });
    return end;
  }

  private readBracket(pos: number, out: PathToken[]): number {
    const text = this.text;
    const inner = skipBlanks(text, pos + 1);
    const c = text[inner];
    if (c === "'" || c === '"') return this.readQuoted(inner, c, out);
    if (c === "*") {
      const close = skipBlanks(text, inner + 1);
      if (text[close] !== "]") this.fail(close, "expected ']'");
      out.push({ kind: "wildcard" });
      return close + 1;
    }
    if (c === "?") return this.readFilter(inner, out);
    if (c !== undefined && (isDigit(c) || c === "-" || c === ":")) return this.readArray(pos, out);
    return this.fail(pos, "expected ?, ', 0-9, * after '['");
  }

  /** `['a']`, `["a"]`, `['a','b']`. A backslash protects the next character and is kept. */
  private readQuoted(pos: number, quote: "'" | '"', out: PathToken[]): number {
    const text = this.text;
    const names: string[] = [];
    let i = pos;
    for (;;) {
      // i is at an opening quote.
      let j = i + 1;
      while (j < text.length && text[j] !== quote) j += text[j] === "\\" ? 2 : 1;
      if (j >= text.length) this.fail(i, `property has not been closed - missing closing ${quote}`);
      // Step Functions' Jayway keeps escapes verbatim: ['a\"b'] names the key a\"b.
      names.push(text.slice(i + 1, j));
      const after = skipBlanks(text, j + 1);
      if (text[after] === "]") {
        out.push({ kind: "property", names, quote } satisfies PropertyToken);
        return after + 1;
      }
      if (text[after] !== ",") this.fail(after, "expected ',' or ']' after a property");
      i = skipBlanks(text, after + 1);
      if (text[i] !== quote) this.fail(i, `expected ${quote}`);
    }
  }

  /** `[0]`, `[-1]`, `[0,2]`, `[1:3]`, `[:2]`, `[1:]`. */
  private readArray(pos: number, out: PathToken[]): number {
    const text = this.text;
    const close = text.indexOf("]", pos);
    if (close === -1) this.fail(pos, "expected ']'");
    const body = text.slice(pos + 1, close);
    if (!/^[0-9,\-: ]*$/.test(body)) this.fail(pos, "expected numbers, ',' or ':' inside [ ]");
    if (body.includes(":")) {
      const parts = body.split(":");
      const from = this.readInt(parts[0] ?? "", pos, true);
      const to = this.readInt(parts[1] ?? "", pos, true);
      if (parts.length > 3) this.fail(pos, "a slice has at most three parts");
      if (parts.length === 3) this.readInt(parts[2] ?? "", pos, true);
      if (from === undefined && to === undefined) this.fail(pos, "a slice needs a start or an end");
      out.push({ kind: "slice", from, to });
    } else {
      const indexes = body.split(",").map((part) => this.readInt(part, pos, false) as number);
      out.push({ kind: "index", indexes });
    }
    return close + 1;
  }

  private readInt(part: string, pos: number, optional: boolean): number | undefined {
    const s = part.trim();
    if (s === "" && optional) return undefined;
    if (!/^-?\d+$/.test(s)) this.fail(pos, `'${part}' is not an integer`);
    const n = Number(s);
    if (n > INT_MAX || n < -INT_MAX - 1) this.fail(pos, `${s} is out of range`);
    return n;
  }

  /** `[?(expression)]`; the expression's end is found with quotes and nesting respected. */
  private readFilter(pos: number, out: PathToken[]): number {
    const text = this.text;
    const open = skipBlanks(text, pos + 1);
    if (text[open] !== "(") this.fail(open, "expected '(' after '[?'");
    const close = findClose(text, open);
    if (close === -1) this.fail(open, "unbalanced parentheses in filter");
    const end = skipBlanks(text, close + 1);
    if (text[end] !== "]") this.fail(end, "expected ']' after a filter");
    const body = text.slice(open + 1, close);
    const expr = parseFilter(body, text, this.depth + 1);
    out.push({ kind: "filter", expr, text: text.slice(pos - 1, end + 1) } satisfies FilterToken);
    return end + 1;
  }
}

function skipBlanks(text: string, pos: number): number {
  while (text[pos] === " ") pos++;
  return pos;
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

/**
 * Index of the ')' matching the '(' at `open`, skipping string literals and regex literals, or
 * -1. Regexes are recognised as Jayway does: a '/' that starts an operand.
 */
export function findClose(text: string, open: number): number {
  let depth = 0;
  let prev = "";
  for (let i = open; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'" || c === '"' || (c === "/" && "(=~!&|,".includes(prev || "("))) {
      i = skipLiteral(text, i, c);
      if (i === -1) return -1;
      prev = c;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0) return i;
    }
    if (c !== " ") prev = c;
  }
  return -1;
}

/** Index of the closing delimiter of the literal starting at `start`, or -1. */
export function skipLiteral(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === quote) return i;
  }
  return -1;
}
