/**
 * Shapes shared by the operator families and the registry. Kept apart from the registry so
 * family files do not import it (no cycles).
 */
import type { Json } from "../json.js";
import type { Scope } from "../scope.js";

/** A Choice rule compiled once at load time; evaluation is the hot path. */
export type CompiledChoiceRule = (scope: Scope) => boolean;

/**
 * A test of the Variable's value against an operand fixed at load time. `value` is undefined
 * only for operators that accept a missing Variable (IsPresent).
 */
export type UnaryTest = (value: Json | undefined) => boolean;

/** A test of the Variable's value against the value a `...Path` operand read at run time. */
export type BinaryTest = (value: Json, other: Json) => boolean;

/**
 * Which outcomes of a three-way comparison satisfy an operator, given the sign of
 * `value - operand` (-1, 0 or 1).
 */
export type Order = (sign: number) => boolean;

export const EQ: Order = (sign) => sign === 0;
export const LT: Order = (sign) => sign < 0;
export const GT: Order = (sign) => sign > 0;
export const LE: Order = (sign) => sign <= 0;
export const GE: Order = (sign) => sign >= 0;

/** Applies an order to a comparison sign. */
export function orderHolds(order: Order, sign: number): boolean {
  return order(sign);
}

/** What a literal operand must be for the definition to be accepted. */
export type LiteralType = "string" | "number" | "boolean" | "timestamp";

/** An operator whose operand is a literal in the definition, e.g. `"NumericEquals": 3`. */
export interface LiteralOperator {
  readonly kind: "literal";
  readonly operand: LiteralType;
  /**
   * True when a missing Variable is passed to the test as undefined instead of failing the
   * state with States.Runtime (only IsPresent).
   */
  readonly acceptsMissing?: boolean;
  /** Builds the test for a checked operand; called once per rule at load time. */
  compile(operand: Json): UnaryTest;
}

/** An operator whose operand is a reference path read at run time, e.g. `NumericEqualsPath`. */
export interface PathOperator {
  readonly kind: "path";
  readonly test: BinaryTest;
}

/** One entry of the operator registry. */
export type OperatorSpec = LiteralOperator | PathOperator;
