/**
 * THE registry of comparison operators: one exhaustive table from operator name to how its
 * operand is checked and compiled. Adding an operator is one line here plus its family file;
 * the rule compiler and the static check read only this table.
 */

import type { Json } from "../json.js";
import { booleanLiteral, booleanPath } from "./boolean.js";
import { numericLiteral, numericPath } from "./numeric.js";
import { isPresent } from "./presence.js";
import { stringLiteral, stringMatches, stringPath } from "./string.js";
import { timestampLiteral, timestampPath } from "./timestamp.js";
import { isBoolean, isNull, isNumeric, isString, isTimestampTest } from "./type-tests.js";
import {
  EQ,
  GE,
  GT,
  LE,
  type LiteralOperator,
  type LiteralType,
  LT,
  type OperatorSpec,
  type Order,
  type PathOperator,
  type UnaryTest,
} from "./types.js";

/** Every comparison operator of JSONPath-mode Choice rules. */
export type ComparisonOperator =
  | "StringEquals"
  | "StringEqualsPath"
  | "StringLessThan"
  | "StringLessThanPath"
  | "StringGreaterThan"
  | "StringGreaterThanPath"
  | "StringLessThanEquals"
  | "StringLessThanEqualsPath"
  | "StringGreaterThanEquals"
  | "StringGreaterThanEqualsPath"
  | "StringMatches"
  | "NumericEquals"
  | "NumericEqualsPath"
  | "NumericLessThan"
  | "NumericLessThanPath"
  | "NumericGreaterThan"
  | "NumericGreaterThanPath"
  | "NumericLessThanEquals"
  | "NumericLessThanEqualsPath"
  | "NumericGreaterThanEquals"
  | "NumericGreaterThanEqualsPath"
  | "BooleanEquals"
  | "BooleanEqualsPath"
  | "TimestampEquals"
  | "TimestampEqualsPath"
  | "TimestampLessThan"
  | "TimestampLessThanPath"
  | "TimestampGreaterThan"
  | "TimestampGreaterThanPath"
  | "TimestampLessThanEquals"
  | "TimestampLessThanEqualsPath"
  | "TimestampGreaterThanEquals"
  | "TimestampGreaterThanEqualsPath"
  | "IsNull"
  | "IsPresent"
  | "IsNumeric"
  | "IsString"
  | "IsBoolean"
  | "IsTimestamp";

function literal(
  operand: LiteralType,
  compile: (operand: Json) => UnaryTest,
  acceptsMissing = false,
): LiteralOperator {
  return { kind: "literal", operand, compile, acceptsMissing };
}

function path(test: PathOperator["test"]): PathOperator {
  return { kind: "path", test };
}

const str = (order: Order) => literal("string", stringLiteral(order));
const num = (order: Order) => literal("number", numericLiteral(order));
const ts = (order: Order) => literal("timestamp", timestampLiteral(order));

/** How each comparison operator is checked and compiled. */
export const OPERATORS: Readonly<Record<ComparisonOperator, OperatorSpec>> = {
  StringEquals: str(EQ),
  StringEqualsPath: path(stringPath(EQ)),
  StringLessThan: str(LT),
  StringLessThanPath: path(stringPath(LT)),
  StringGreaterThan: str(GT),
  StringGreaterThanPath: path(stringPath(GT)),
  StringLessThanEquals: str(LE),
  StringLessThanEqualsPath: path(stringPath(LE)),
  StringGreaterThanEquals: str(GE),
  StringGreaterThanEqualsPath: path(stringPath(GE)),
  StringMatches: literal("string", stringMatches),
  NumericEquals: num(EQ),
  NumericEqualsPath: path(numericPath(EQ)),
  NumericLessThan: num(LT),
  NumericLessThanPath: path(numericPath(LT)),
  NumericGreaterThan: num(GT),
  NumericGreaterThanPath: path(numericPath(GT)),
  NumericLessThanEquals: num(LE),
  NumericLessThanEqualsPath: path(numericPath(LE)),
  NumericGreaterThanEquals: num(GE),
  NumericGreaterThanEqualsPath: path(numericPath(GE)),
  BooleanEquals: literal("boolean", booleanLiteral),
  BooleanEqualsPath: path(booleanPath),
  TimestampEquals: ts(EQ),
  TimestampEqualsPath: path(timestampPath(EQ)),
  TimestampLessThan: ts(LT),
  TimestampLessThanPath: path(timestampPath(LT)),
  TimestampGreaterThan: ts(GT),
  TimestampGreaterThanPath: path(timestampPath(GT)),
  TimestampLessThanEquals: ts(LE),
  TimestampLessThanEqualsPath: path(timestampPath(LE)),
  TimestampGreaterThanEquals: ts(GE),
  TimestampGreaterThanEqualsPath: path(timestampPath(GE)),
  IsNull: literal("boolean", isNull),
  IsPresent: literal("boolean", isPresent, true),
  IsNumeric: literal("boolean", isNumeric),
  IsString: literal("boolean", isString),
  IsBoolean: literal("boolean", isBoolean),
  IsTimestamp: literal("boolean", isTimestampTest),
};

/** True when `name` is a comparison operator (own key of the registry, not a prototype name). */
export function isComparisonOperator(name: string): name is ComparisonOperator {
  return Object.hasOwn(OPERATORS, name);
}
