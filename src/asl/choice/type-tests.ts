/**
 * Type tests: IsNull, IsNumeric, IsString, IsBoolean, IsTimestamp. Each takes a boolean operand:
 * `true` asks "is it?", `false` asks "is it not?". A missing Variable is a States.Runtime error
 * for these (the rule compiler raises it); only IsPresent accepts absence.
 */
import type { Json } from "../json.js";
import { isTimestamp } from "./timestamp.js";
import type { UnaryTest } from "./types.js";

/** Builds an IsX operator from its type predicate. */
function typeTest(predicate: (value: Json | undefined) => boolean): (operand: Json) => UnaryTest {
  return (operand) =>
    operand === false ? (value) => !predicate(value) : (value) => predicate(value);
}

export const isNull = typeTest((value) => value === null);
export const isNumeric = typeTest((value) => typeof value === "number");
export const isString = typeTest((value) => typeof value === "string");
export const isBoolean = typeTest((value) => typeof value === "boolean");
export const isTimestampTest = typeTest(isTimestamp);
