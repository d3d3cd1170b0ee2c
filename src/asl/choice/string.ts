/**
 * String comparisons (StringEquals, ...LessThan, ...GreaterThan, ...LessThanEquals,
 * ...GreaterThanEquals, their Path forms) and StringMatches.
 *
 * Ordering is by UTF-16 code units, which is both JavaScript's `<` and Java's
 * `String.compareTo` that AWS uses. A value that is not a string makes the test false.
 */
import type { Json } from "../json.js";
import type { BinaryTest, Order, UnaryTest } from "./types.js";

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The test against a literal string operand. */
export function stringLiteral(order: Order): (operand: Json) => UnaryTest {
  return (operand) => {
    if (typeof operand !== "string") return () => false;
    return (value) => typeof value === "string" && order(compareStrings(value, operand));
  };
}

/** The test between two strings read at run time. */
export function stringPath(order: Order): BinaryTest {
  return (value, other) =>
    typeof value === "string" && typeof other === "string" && order(compareStrings(value, other));
}

/**
 * Splits a StringMatches pattern into the literal runs between unescaped `*` wildcards.
 * `\*` is a literal star and `\\` a literal backslash; a backslash before any other character
 * stays a literal backslash (the docs say nothing but `*` has a special meaning).
 */
export function splitPattern(pattern: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && (pattern[i + 1] === "*" || pattern[i + 1] === "\\")) {
      current += pattern[i + 1];
      i++;
    } else if (c === "*") {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * Whether `value` matches the pattern whose literal runs are `parts` (as splitPattern gives):
 * the first run is a prefix, the last a suffix, the others appear in order between them.
 * Leftmost matching of each middle run is optimal for `*`-only globs, so no backtracking.
 */
export function matchParts(value: string, parts: readonly string[]): boolean {
  const last = parts.length - 1;
  if (last === 0) return value === parts[0];
  const head = parts[0];
  const tail = parts[last];
  if (value.length < head.length + tail.length) return false;
  if (!value.startsWith(head)) return false;
  const end = value.length - tail.length;
  if (!value.endsWith(tail)) return false;
  let at = head.length;
  for (let i = 1; i < last; i++) {
    const part = parts[i];
    const found = value.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** StringMatches against a pattern compiled once here. */
export function stringMatches(operand: Json): UnaryTest {
  if (typeof operand !== "string") return () => false;
  const parts = splitPattern(operand);
  return (value) => typeof value === "string" && matchParts(value, parts);
}
