/**
 * Field checks shared by every state type: presence, JSON type, integer ranges and mutual
 * exclusion. Messages follow AWS's wording where it is known ("Field 'X' is not supported",
 * "These fields are required: [..]", "Expected value of type [..]").
 */
import type { JsonObject } from "../json.js";
import type { ValidationContext } from "./context.js";
import { isJsonataExpression } from "./expressions.js";
import { pointer } from "./pointer.js";

/** Fields that only JSONPath states accept. */
export const JSONPATH_ONLY_FIELDS: readonly string[] = [
  "InputPath",
  "OutputPath",
  "Parameters",
  "ResultPath",
  "ResultSelector",
  "Result",
  "ItemsPath",
  "SecondsPath",
  "TimestampPath",
  "TimeoutSecondsPath",
  "HeartbeatSecondsPath",
  "MaxConcurrencyPath",
  "ToleratedFailureCountPath",
  "ToleratedFailurePercentagePath",
  "ErrorPath",
  "CausePath",
];

/** Fields that only JSONata states accept. */
export const JSONATA_ONLY_FIELDS: readonly string[] = ["Arguments", "Output", "Items"];

/** Reports every field of `obj` that is not in `allowed`, located at the object. */
export function checkUnknownFields(
  ctx: ValidationContext,
  obj: JsonObject,
  allowed: readonly string[],
  location: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) ctx.schema(location, `Field '${key}' is not supported`);
  }
}

/** Reports missing required fields in one diagnostic, as AWS lists them. */
export function checkRequired(
  ctx: ValidationContext,
  obj: JsonObject,
  required: readonly string[],
  location: string,
): boolean {
  const missing = required.filter((f) => !Object.hasOwn(obj, f));
  if (missing.length === 0) return true;
  ctx.schema(location, `These fields are required: [${missing.join(", ")}]`);
  return false;
}

/** Reports that both of two mutually exclusive fields are present. */
export function checkExclusive(
  ctx: ValidationContext,
  obj: JsonObject,
  a: string,
  b: string,
  location: string,
): void {
  if (Object.hasOwn(obj, a) && Object.hasOwn(obj, b)) {
    ctx.schema(location, `The fields '${a}' and '${b}' are mutually exclusive; use only one`);
  }
}

type Kind = "STRING" | "BOOLEAN" | "OBJECT" | "ARRAY" | "NUMBER" | "INTEGER";

/** True when `value` has the JSON kind. */
export function isKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case "STRING":
      return typeof value === "string";
    case "BOOLEAN":
      return typeof value === "boolean";
    case "OBJECT":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "ARRAY":
      return Array.isArray(value);
    case "NUMBER":
      return typeof value === "number" && Number.isFinite(value);
    case "INTEGER":
      return typeof value === "number" && Number.isInteger(value);
  }
}

/**
 * Checks the type of an optional field; returns true when it is absent or of the kind.
 * `location` is the field's own pointer.
 */
export function checkKind(
  ctx: ValidationContext,
  value: unknown,
  kind: Kind,
  location: string,
): boolean {
  if (value === undefined || isKind(value, kind)) return true;
  ctx.schema(location, `Expected value of type [${kind}]`);
  return false;
}

/** Options of an integer field check. */
export interface IntegerRule {
  /** Smallest accepted value. */
  min: number;
  /** Largest accepted value (inclusive). */
  max?: number;
  /** In JSONata states a `{% %}` expression may stand for the number. */
  jsonata?: boolean;
}

/**
 * Checks an optional integer field with a range; a JSONata expression is accepted when the
 * rule allows it (its value is only known at run time).
 */
export function checkInteger(
  ctx: ValidationContext,
  obj: JsonObject,
  field: string,
  location: string,
  rule: IntegerRule,
): void {
  const value = obj[field];
  if (value === undefined) return;
  const at = pointer(location, field);
  if (rule.jsonata === true && isJsonataExpression(value)) return;
  if (!isKind(value, "INTEGER")) {
    const expected = rule.jsonata === true ? "an integer or a JSONata expression" : "an integer";
    ctx.schema(at, `The value for the field '${field}' must be ${expected}`);
    return;
  }
  const n = value as number;
  if (n < rule.min) ctx.schema(at, `The value for the field '${field}' must be >= ${rule.min}`);
  else if (rule.max !== undefined && n > rule.max) {
    ctx.schema(at, `The value for the field '${field}' must be <= ${rule.max}`);
  }
}

/**
 * Checks an optional number field with a range (BackoffRate, ToleratedFailurePercentage).
 */
export function checkNumber(
  ctx: ValidationContext,
  obj: JsonObject,
  field: string,
  location: string,
  rule: IntegerRule,
): void {
  const value = obj[field];
  if (value === undefined) return;
  const at = pointer(location, field);
  if (rule.jsonata === true && isJsonataExpression(value)) return;
  if (!isKind(value, "NUMBER")) {
    ctx.schema(at, `The value for the field '${field}' must be a number`);
    return;
  }
  const n = value as number;
  if (n < rule.min) ctx.schema(at, `The value for the field '${field}' must be >= ${rule.min}`);
  else if (rule.max !== undefined && n > rule.max) {
    ctx.schema(at, `The value for the field '${field}' must be <= ${rule.max}`);
  }
}
