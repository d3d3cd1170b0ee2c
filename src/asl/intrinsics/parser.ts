/**
 * Recursive-descent parser for intrinsic expressions:
 *
 *   call     := "States." Name "(" [ arg { "," arg } ] ")"
 *   arg      := call | string | number | "true" | "false" | "null" | path
 *
 * It only checks syntax; function names and arities are resolved by the compiler and checker.
 */
import type { ArgNode, CallNode } from "./ast.js";
import { Cursor } from "./cursor.js";
import { readKeyword, readNumber, readString } from "./literals.js";
import { readPath } from "./path-arg.js";

/** The prefix every intrinsic call starts with. */
export const CALL_PREFIX = "States.";

/**
 * AWS documents at most 10 nested intrinsic calls in one field. Enforcing it here also bounds
 * the parser's recursion, so hostile input cannot exhaust the stack.
 */
export const MAX_NESTING = 10;

/** Parses a whole intrinsic expression. Throws IntrinsicSyntaxError when it is not valid. */
export function parseIntrinsic(text: string): CallNode {
  const cur = new Cursor(text);
  const call = readCall(cur, 1);
  if (!cur.atEnd) cur.fail(`unexpected '${cur.peek()}' after the end of the call`);
  return call;
}

function readCall(cur: Cursor, depth: number): CallNode {
  const start = cur.pos;
  if (depth > MAX_NESTING) cur.fail(`more than ${MAX_NESTING} nested intrinsic functions`);
  cur.expect(CALL_PREFIX, `an intrinsic function call 'States.Name(...)'`);
  const name = /[A-Za-z0-9]+/y;
  name.lastIndex = cur.pos;
  const match = name.exec(cur.text);
  if (!match) cur.fail(`expected a function name after 'States.'${cur.found()}`);
  cur.pos += match[0].length;
  cur.expect("(", `'(' after '${CALL_PREFIX}${match[0]}'`);
  const args: ArgNode[] = [];
  cur.skipSpace();
  if (cur.peek() === ")") {
    cur.pos++;
    return { kind: "call", start, name: CALL_PREFIX + match[0], args };
  }
  for (;;) {
    cur.skipSpace();
    args.push(readArg(cur, depth));
    cur.skipSpace();
    if (cur.peek() === ")") break;
    cur.expect(",", "',' or ')'");
  }
  cur.pos++;
  return { kind: "call", start, name: CALL_PREFIX + match[0], args };
}

function readArg(cur: Cursor, depth: number): ArgNode {
  const ch = cur.peek();
  if (ch === "'") return readString(cur);
  if (ch === "$") return readPath(cur);
  if (ch === "-" || (ch >= "0" && ch <= "9")) return readNumber(cur);
  if (cur.startsWith(CALL_PREFIX)) return readCall(cur, depth + 1);
  const keyword = readKeyword(cur);
  if (keyword) return keyword;
  return cur.fail(
    `expected an argument (string literal, number, true, false, null, path or intrinsic call)${cur.found()}`,
  );
}
