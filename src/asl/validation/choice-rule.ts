/**
 * Shape check of one JSONata-mode Choice rule: `Condition` (an expression or a boolean) and
 * `Next`, plus optional `Assign`, `Output` and `Comment`. JSONPath-mode rules are checked by
 * the choice module (see hooks.ts).
 */
import type { Diagnostic } from "../errors.js";
import { isJsonataExpression, jsonataSyntaxError } from "./expressions.js";
import { pointer } from "./pointer.js";

const RULE_FIELDS = ["Condition", "Next", "Comment", "Assign", "Output"];

/** Diagnostics of one JSONata Choice rule located at `location`. */
export function checkJsonataChoiceRule(rule: unknown, location: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (
    at: string,
    message: string,
    code: Diagnostic["code"] = "SCHEMA_VALIDATION_FAILED",
  ) => out.push({ code, location: at, message, severity: "ERROR" });
  if (typeof rule !== "object" || rule === null || Array.isArray(rule)) {
    report(location, "Expected value of type [OBJECT]");
    return out;
  }
  const r = rule as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!RULE_FIELDS.includes(key)) report(location, `Field '${key}' is not supported`);
  }
  const missing = ["Condition", "Next"].filter((f) => !Object.hasOwn(r, f));
  if (missing.length > 0) report(location, `These fields are required: [${missing.join(", ")}]`);
  const condition = r.Condition;
  const at = pointer(location, "Condition");
  if (condition === undefined || typeof condition === "boolean") return out;
  if (!isJsonataExpression(condition)) {
    report(at, "The field 'Condition' must be a JSONata expression or a boolean");
    return out;
  }
  const problem = jsonataSyntaxError(condition);
  if (problem !== undefined)
    report(at, `Invalid JSONata expression '${condition}': ${problem}`, "INVALID_JSONATA");
  return out;
}
