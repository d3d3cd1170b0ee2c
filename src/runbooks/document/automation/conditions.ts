/**
 * Choice conditions of aws:branch and aws:loop's LoopCondition: a `Variable` with one
 * comparison operator, or `And` / `Or` over conditions, or `Not` of one.
 */
import { invalid, objectAt, shown } from "../checks.js";
import { pointer } from "../pointer.js";
import type { JsonObject, JsonValue } from "../types.js";
import { deferred } from "./inputs.js";

const STRING_OPERATORS = ["StringEquals", "EqualsIgnoreCase", "StartsWith", "EndsWith", "Contains"];
const NUMERIC_OPERATORS = [
  "NumericEquals",
  "NumericGreater",
  "NumericLesser",
  "NumericGreaterOrEquals",
  "NumericLesserOrEquals",
];
const BOOLEAN_OPERATORS = ["BooleanEquals"];

/** Every comparison operator. */
export const COMPARISON_OPERATORS: readonly string[] = [
  ...STRING_OPERATORS,
  ...NUMERIC_OPERATORS,
  ...BOOLEAN_OPERATORS,
];

/**
 * Checks one condition; `extraKeys` are the keys the caller owns beside it (a choice's
 * `NextStep`).
 */
export function checkCondition(
  value: JsonValue | undefined,
  at: string,
  extraKeys: readonly string[] = [],
): void {
  const condition = objectAt(value, at, "a condition");
  const keys = Object.keys(condition).filter((key) => !extraKeys.includes(key));
  if (keys.includes("And") || keys.includes("Or")) {
    const key = keys.includes("And") ? "And" : "Or";
    onlyOne(keys, key, at);
    const list = condition[key];
    if (!Array.isArray(list) || list.length === 0)
      invalid(
        pointer(at, key),
        `expected ${key}, a non-empty list of conditions, got ${shown(list)}`,
      );
    list.forEach((item, index) => {
      checkCondition(item, pointer(at, key, index));
    });
    return;
  }
  if (keys.includes("Not")) {
    onlyOne(keys, "Not", at);
    checkCondition(condition.Not, pointer(at, "Not"));
    return;
  }
  checkComparison(condition, keys, at);
}

function checkComparison(condition: JsonObject, keys: string[], at: string): void {
  if (typeof condition.Variable !== "string")
    invalid(
      pointer(at, "Variable"),
      `expected Variable, a string (usually a {{ }} reference), got ${shown(condition.Variable)}`,
    );
  const operators = keys.filter((key) => key !== "Variable");
  const unknown = operators.find((key) => !COMPARISON_OPERATORS.includes(key));
  if (unknown !== undefined)
    invalid(
      pointer(at, unknown),
      `unknown operator "${unknown}"; expected one of ${COMPARISON_OPERATORS.join(", ")}, And, Or, Not`,
    );
  if (operators.length !== 1)
    invalid(
      at,
      `expected exactly one comparison operator beside Variable, got ${operators.length === 0 ? "none" : operators.join(", ")}`,
    );
  const [operator] = operators;
  const operand = condition[operator];
  const here = pointer(at, operator);
  if (deferred(operand)) return;
  if (STRING_OPERATORS.includes(operator) && typeof operand !== "string")
    invalid(here, `expected a string to compare with, got ${shown(operand)}`);
  if (
    NUMERIC_OPERATORS.includes(operator) &&
    !(
      typeof operand === "number" ||
      (typeof operand === "string" && operand.trim() !== "" && !Number.isNaN(Number(operand)))
    )
  )
    invalid(here, `expected a number to compare with, got ${shown(operand)}`);
  if (
    BOOLEAN_OPERATORS.includes(operator) &&
    typeof operand !== "boolean" &&
    operand !== "true" &&
    operand !== "false"
  )
    invalid(here, `expected true or false to compare with, got ${shown(operand)}`);
}

function onlyOne(keys: string[], key: string, at: string): void {
  const other = keys.find((k) => k !== key);
  if (other !== undefined)
    invalid(pointer(at, other), `expected nothing beside ${key}, got "${other}"`);
}
