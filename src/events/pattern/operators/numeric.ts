/**
 * `numeric`: `["=", 5]`, `["<", 10]`, `[">", 0, "<=", 5]`.
 *
 * Bounds compare as doubles over the full double range (current event-ruler); a lexeme that
 * does not fit a double (`1E309`, or `1E-325`, which would silently become 0) is rejected,
 * as event-ruler rejects it. Many ranges on one field are answered by an interval tree.
 */

import type {
  LeafValue,
  NumericCondition,
  OperatorDefinition,
  OperatorIndex,
  ParseContext,
} from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { IntervalIndex } from "../support/interval-index.js";

/** Validates a numeric operand and returns its double value. */
export function numberOperand(node: PatternNode, ctx: ParseContext, what: string): number {
  if (node.type !== "number") return ctx.fail(`Value of ${what} must be numeric`);
  const mantissa = node.lexeme.split(/[eE]/)[0] ?? "";
  if (!Number.isFinite(node.value) || (node.value === 0 && /[1-9]/.test(mantissa))) {
    ctx.fail(`Cannot compare number : ${node.lexeme}`);
  }
  return node.value;
}

const LOWER = new Set([">", ">="]);
const UPPER = new Set(["<", "<="]);

function operatorAt(items: readonly PatternNode[], i: number, ctx: ParseContext): string {
  const op = items[i];
  const text = op?.type === "string" ? op.value : JSON.stringify(op ?? null);
  if (text !== "=" && !LOWER.has(text) && !UPPER.has(text)) {
    ctx.fail(`Unrecognized numeric range operator: ${text}`);
  }
  return text;
}

function operand(items: readonly PatternNode[], i: number, op: string, ctx: ParseContext): number {
  const node = items[i];
  if (node === undefined) return ctx.fail(`Value of ${op} must be numeric`);
  return numberOperand(node, ctx.child(i), op);
}

/** Compiles the operand of `numeric`. */
export function parseNumeric(node: PatternNode, ctx: ParseContext): NumericCondition {
  if (node.type !== "array") return ctx.fail("Value of numeric must be an array.");
  const items = node.items;
  if (items.length === 0) return ctx.fail("Empty arrays are not allowed");
  const first = operatorAt(items, 0, ctx);
  const v1 = operand(items, 1, first, ctx);
  if (first === "=" || UPPER.has(first)) {
    if (items.length > 2) ctx.fail("Too many elements in numeric expression");
    if (first === "=")
      return { kind: "numeric", lo: v1, loInclusive: true, hi: v1, hiInclusive: true };
    return {
      kind: "numeric",
      lo: -Infinity,
      loInclusive: false,
      hi: v1,
      hiInclusive: first === "<=",
    };
  }
  const loInclusive = first === ">=";
  if (items.length === 2) {
    return { kind: "numeric", lo: v1, loInclusive, hi: Infinity, hiInclusive: false };
  }
  const second = operatorAt(items, 2, ctx);
  if (!UPPER.has(second)) ctx.fail(`Bad numeric range operator: ${second}`);
  const v2 = operand(items, 3, second, ctx);
  if (items.length > 4) ctx.fail("Too many terms in numeric range expression");
  if (!(v1 < v2)) ctx.fail("Bottom must be less than top");
  return { kind: "numeric", lo: v1, loInclusive, hi: v2, hiInclusive: second === "<=" };
}

class NumericIndex<T> implements OperatorIndex<NumericCondition, T> {
  private readonly ranges = new IntervalIndex<T>();

  get size(): number {
    return this.ranges.size;
  }

  add(condition: NumericCondition, target: T): void {
    this.ranges.add(condition, target);
  }

  remove(condition: NumericCondition, target: T): void {
    this.ranges.remove(condition, target);
  }

  collect(value: LeafValue, out: T[]): void {
    // Numeric ranges never match strings ("300"), null or booleans.
    if (typeof value === "number" && !Number.isNaN(value)) this.ranges.collect(value, out);
  }
}

/** Registry entry for numeric ranges. */
export const numericOperator: OperatorDefinition<NumericCondition> = {
  kind: "numeric",
  key: (c) => `${c.loInclusive ? "[" : "("}${c.lo},${c.hi}${c.hiInclusive ? "]" : ")"}`,
  createIndex: <T>() => new NumericIndex<T>(),
};
