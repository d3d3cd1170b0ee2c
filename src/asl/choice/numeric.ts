/**
 * Numeric comparisons (NumericEquals, ...LessThan, ...GreaterThan, ...LessThanEquals,
 * ...GreaterThanEquals and their Path forms).
 *
 * JSON numbers compare by value, so `1` equals `1.0` (AWS compares integers and decimals by
 * value too). A value that is not a number — including a numeric string or a boolean — makes
 * the test false, never an error.
 */
import type { Json } from "../json.js";
import type { BinaryTest, Order, UnaryTest } from "./types.js";

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The test against a literal number operand. */
export function numericLiteral(order: Order): (operand: Json) => UnaryTest {
  return (operand) => {
    if (typeof operand !== "number") return () => false;
    return (value) => typeof value === "number" && order(compareNumbers(value, operand));
  };
}

/** The test between two numbers read at run time. */
export function numericPath(order: Order): BinaryTest {
  return (value, other) =>
    typeof value === "number" && typeof other === "number" && order(compareNumbers(value, other));
}
