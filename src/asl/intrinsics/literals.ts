/** Scanners for literal arguments: strings with the spec's escapes, numbers and keywords. */
import type { LiteralNode } from "./ast.js";
import type { Cursor } from "./cursor.js";

/** The only escapes the spec defines inside a string literal. */
const ESCAPABLE = new Set(["'", "{", "}", "\\"]);

/**
 * Reads `'...'`. `\'`, `\{`, `\}` and `\\` are the only escapes; anything else after a
 * backslash is rejected, as AWS rejects e.g. `\"` when the definition is created.
 */
export function readString(cur: Cursor): LiteralNode {
  const start = cur.pos;
  cur.pos++; // opening quote
  const parts: string[] = [];
  let part = "";
  let value = "";
  for (;;) {
    if (cur.atEnd) cur.fail("unterminated string literal: expected a closing quote", start);
    const ch = cur.peek();
    if (ch === "'") break;
    if (ch === "\\") {
      const next = cur.peek(1);
      if (!ESCAPABLE.has(next)) {
        cur.fail(`illegal escape '\\${next}': only \\', \\{, \\} and \\\\ are allowed`);
      }
      value += next;
      part += next;
      cur.pos += 2;
    } else if (ch === "{" && cur.peek(1) === "}") {
      // An unescaped pair is a States.Format placeholder; the value keeps it as text.
      value += "{}";
      parts.push(part);
      part = "";
      cur.pos += 2;
    } else {
      value += ch;
      part += ch;
      cur.pos++;
    }
  }
  cur.pos++; // closing quote
  parts.push(part);
  return { kind: "literal", start, value, formatParts: parts };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Reads a JSON-style number literal such as `-1`, `2.5` or `1e3`. */
export function readNumber(cur: Cursor): LiteralNode {
  const start = cur.pos;
  NUMBER.lastIndex = start;
  const match = NUMBER.exec(cur.text);
  if (!match) return cur.fail(`expected a number${cur.found()}`);
  const value = Number(match[0]);
  if (!Number.isFinite(value)) cur.fail(`number '${match[0]}' is out of range`, start);
  cur.pos += match[0].length;
  return { kind: "literal", start, value: Object.is(value, -0) ? 0 : value };
}

const KEYWORDS: ReadonlyMap<string, boolean | null> = new Map([
  ["true", true],
  ["false", false],
  ["null", null],
]);

/** Reads `true`, `false` or `null`; returns undefined when none is at the cursor. */
export function readKeyword(cur: Cursor): LiteralNode | undefined {
  for (const [word, value] of KEYWORDS) {
    if (cur.startsWith(word) && !/[\w$.]/.test(cur.peek(word.length))) {
      const start = cur.pos;
      cur.pos += word.length;
      return { kind: "literal", start, value };
    }
  }
  return undefined;
}
