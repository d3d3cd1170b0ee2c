/** Scanner for path arguments: `$.a`, `$`, `$$.Execution.Id`, `$var`, `$var.field[0]`. */
import { compilePath, PathSyntaxError } from "../jsonpath/index.js";
import type { PathNode, PathRoot } from "./ast.js";
import { type Cursor, isSpace } from "./cursor.js";

/** Variable names as AWS accepts them: a letter or `_`, then letters, digits or `_`. */
const VARIABLE_NAME = /[\p{L}_][\p{L}\p{N}_]*/uy;

/** Reads a path argument starting at `$` and compiles it with the shared JSONPath compiler. */
export function readPath(cur: Cursor): PathNode {
  const start = cur.pos;
  let root: PathRoot = { kind: "input" };
  let rest = start + 1; // first character after the root token
  if (cur.peek(1) === "$") {
    root = { kind: "context" };
    rest = start + 2;
  } else {
    VARIABLE_NAME.lastIndex = start + 1;
    const name = VARIABLE_NAME.exec(cur.text);
    if (name) {
      root = { kind: "variable", name: name[0] };
      rest = start + 1 + name[0].length;
    }
  }
  const end = scanPathEnd(cur, rest);
  const text = cur.text.slice(start, end);
  const relative = `$${cur.text.slice(rest, end)}`;
  try {
    const path = compilePath(relative);
    cur.pos = end;
    return { kind: "path", start, text, root, path };
  } catch (error) {
    // compilePath reports bad paths with PathSyntaxError; anything else it throws on a
    // hostile path is still a definition problem, never a crash of the caller.
    const reason = error instanceof PathSyntaxError ? error.message : String(error);
    return cur.fail(`invalid path '${text}': ${reason}`, start);
  }
}

/**
 * Finds where a path ends: at `,`, `)` or whitespace outside brackets, parentheses and quotes,
 * so that filters like `[?(@.a == 'x, y')]` stay in one piece.
 */
function scanPathEnd(cur: Cursor, from: number): number {
  const text = cur.text;
  let depth = 0;
  let quote = "";
  let i = from;
  for (; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === "[" || ch === "(") {
      depth++;
    } else if (ch === "]" || ch === ")") {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (ch === "," || isSpace(ch))) {
      break;
    }
  }
  if (quote) cur.fail(`unterminated quote in path: expected ${quote}`, i);
  return i;
}
