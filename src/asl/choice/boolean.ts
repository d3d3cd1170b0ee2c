/**
 * BooleanEquals and BooleanEqualsPath. Only JSON booleans compare; `"true"`, `1` or null make
 * the test false.
 */
import type { Json } from "../json.js";
import type { BinaryTest, UnaryTest } from "./types.js";

/** BooleanEquals against a literal boolean. */
export function booleanLiteral(operand: Json): UnaryTest {
  if (typeof operand !== "boolean") return () => false;
  return (value) => value === operand;
}

/** BooleanEqualsPath: both sides must be booleans and equal. */
export const booleanPath: BinaryTest = (value, other) =>
  typeof value === "boolean" && value === other;
