/**
 * Filter evaluation with Jayway's value semantics: `==` compares numbers with numeric
 * strings (the left operand's type decides), JSON arrays/objects structurally; `<`-style
 * operators compare only number/number or string/string; a missing operand is unequal to
 * everything (so `!=` holds); `=~` must match the whole string.
 */
import { type Json, jsonEquals } from "../json.js";
import type { FilterExpr, FilterOperand } from "./ast.js";
import { compileParsed } from "./compile.js";
import type { Predicate } from "./steps.js";

type Value = Json | undefined | RegExp;
type Operand = (item: Json, root: Json) => Value;

/** Compiles a filter expression into a predicate over one candidate. */
export function compileFilter(expr: FilterExpr): Predicate {
  switch (expr.kind) {
    case "or": {
      const left = compileFilter(expr.left);
      const right = compileFilter(expr.right);
      return (item, root) => left(item, root) || right(item, root);
    }
    case "and": {
      const left = compileFilter(expr.left);
      const right = compileFilter(expr.right);
      return (item, root) => left(item, root) && right(item, root);
    }
    case "not": {
      const inner = compileFilter(expr.expr);
      return (item, root) => !inner(item, root);
    }
    case "exists": {
      const runner = compileParsed(expr.path);
      const relative = expr.path.root === "@";
      const expected = expr.expected;
      return (item, root) => {
        const value = runner.run(relative ? item : root, root);
        const found = runner.definite ? value !== undefined : (value as Json[]).length > 0;
        return found === expected;
      };
    }
    case "compare": {
      const left = compileOperand(expr.left);
      const right = compileOperand(expr.right);
      const test = COMPARATORS[expr.op];
      return (item, root) => test(left(item, root), right(item, root));
    }
  }
}

function compileOperand(operand: FilterOperand): Operand {
  switch (operand.kind) {
    case "literal": {
      const value = operand.value;
      return () => value;
    }
    case "regex": {
      const regex = operand.regex;
      return () => regex;
    }
    case "path": {
      const runner = compileParsed(operand.path);
      if (operand.path.root === "$") return (_item, root) => runner.run(root, root);
      return (item, root) => runner.run(item, root);
    }
  }
}

const COMPARATORS: Record<string, (l: Value, r: Value) => boolean> = {
  "==": equals,
  "!=": (l, r) => !equals(l, r),
  "<": (l, r) => order(l, r, (c) => c < 0),
  "<=": (l, r) => order(l, r, (c) => c <= 0),
  ">": (l, r) => order(l, r, (c) => c > 0),
  ">=": (l, r) => order(l, r, (c) => c >= 0),
  "=~": regexMatch,
};

/** BigDecimal's syntax, which Jayway uses to read a string compared with a number. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function equals(l: Value, r: Value): boolean {
  if (l === undefined || r === undefined) return false;
  if (l instanceof RegExp || r instanceof RegExp) {
    return l instanceof RegExp && r instanceof RegExp && l.source === r.source;
  }
  if (typeof l === "number") {
    if (typeof r === "number") return l === r;
    return typeof r === "string" && DECIMAL.test(r) && Number(r) === l;
  }
  if (typeof l === "string") {
    if (typeof r === "string") return l === r;
    return typeof r === "number" && String(r) === l;
  }
  if (typeof l === "boolean" || l === null) return l === r;
  return typeof r === "object" && r !== null && jsonEquals(l, r);
}

function order(l: Value, r: Value, test: (c: number) => boolean): boolean {
  if (typeof l === "number" && typeof r === "number") return test(l < r ? -1 : l > r ? 1 : 0);
  if (typeof l === "string" && typeof r === "string") return test(l < r ? -1 : l > r ? 1 : 0);
  return false;
}

function regexMatch(l: Value, r: Value): boolean {
  const lr = l instanceof RegExp;
  if (lr === r instanceof RegExp) return false;
  const regex = (lr ? l : r) as RegExp;
  const other = lr ? r : l;
  const input =
    typeof other === "string"
      ? other
      : typeof other === "number" || typeof other === "boolean"
        ? String(other)
        : "";
  regex.lastIndex = 0;
  return regex.test(input);
}
