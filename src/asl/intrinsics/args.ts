/** Argument checks shared by the functions; each failure names the function and argument. */
import { isJsonObject, type Json, type JsonObject } from "../json.js";
import { type CallContext, intrinsicFailure } from "./function.js";

const ORDINALS = ["first", "second", "third", "fourth"];

/** The JSON type of a value, as messages name it. */
export function jsonType(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function mismatch(call: CallContext, index: number, expected: string, value: Json): never {
  const ordinal = ORDINALS[index] ?? `#${index + 1}`;
  throw intrinsicFailure(
    call.name,
    `the ${ordinal} argument must be ${expected}, but was ${jsonType(value)}`,
  );
}

/** The argument at `index` as a string. */
export function stringArg(args: readonly Json[], index: number, call: CallContext): string {
  const value = args[index];
  return typeof value === "string" ? value : mismatch(call, index, "a string", value);
}

/** The argument at `index` as an array. */
export function arrayArg(args: readonly Json[], index: number, call: CallContext): Json[] {
  const value = args[index];
  return Array.isArray(value) ? value : mismatch(call, index, "an array", value);
}

/** The argument at `index` as an object. */
export function objectArg(args: readonly Json[], index: number, call: CallContext): JsonObject {
  const value = args[index];
  return isJsonObject(value) ? value : mismatch(call, index, "an object", value);
}

/** The argument at `index` as a boolean. */
export function booleanArg(args: readonly Json[], index: number, call: CallContext): boolean {
  const value = args[index];
  return typeof value === "boolean" ? value : mismatch(call, index, "a boolean", value);
}

/** The argument at `index` as a number. */
export function numberArg(args: readonly Json[], index: number, call: CallContext): number {
  const value = args[index];
  return typeof value === "number" ? value : mismatch(call, index, "a number", value);
}

/** The argument at `index` as an exact integer (a JSON number with no fractional part). */
export function integerArg(args: readonly Json[], index: number, call: CallContext): number {
  const value = numberArg(args, index, call);
  return Number.isSafeInteger(value) ? value : mismatch(call, index, "an integer", value);
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * The argument at `index` rounded to the nearest integer (halves towards positive infinity,
 * as Java's Math.round, which the MathAdd cases confirm: -2.5 -> -2, 2.5 -> 3), which must
 * then fit in a 32-bit signed integer.
 */
export function roundedIntArg(args: readonly Json[], index: number, call: CallContext): number {
  const rounded = Math.round(numberArg(args, index, call));
  if (rounded < INT_MIN || rounded > INT_MAX) {
    const ordinal = ORDINALS[index] ?? `#${index + 1}`;
    throw intrinsicFailure(
      call.name,
      `the ${ordinal} argument must be between ${INT_MIN} and ${INT_MAX}, but was ${args[index]}`,
    );
  }
  return rounded === 0 ? 0 : rounded; // no -0
}

/** Rejects strings longer than `max` characters (AWS caps several functions at 10,000). */
export function maxLength(value: string, max: number, index: number, call: CallContext): string {
  if (value.length <= max) return value;
  const ordinal = ORDINALS[index] ?? `#${index + 1}`;
  throw intrinsicFailure(
    call.name,
    `the ${ordinal} argument must be at most ${max} characters long, but has ${value.length}`,
  );
}
