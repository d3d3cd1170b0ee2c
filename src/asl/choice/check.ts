/**
 * Definition-time checks of a JSONPath-mode Choice rule: what AWS rejects when the state
 * machine is created. Works on raw parsed JSON of any shape and never throws.
 */
import type { Diagnostic, DiagnosticCode } from "../errors.js";
import { isJsonObject } from "../json.js";
import { operandSyntaxError } from "./operand.js";
import { isComparisonOperator, OPERATORS } from "./operators.js";
import { isTimestamp } from "./timestamp.js";
import type { LiteralType } from "./types.js";

/**
 * Where a rule sits: `top` is an element of `Choices` (needs Next, may Assign); `nested` is
 * inside And/Or/Not (neither); `condition` accepts either, for compiling a rule on its own.
 */
export type RuleLevel = "top" | "nested" | "condition";

/** Deeper nesting than this is reported instead of risking the stack. */
const MAX_DEPTH = 1000;

const COMBINATORS = ["And", "Or", "Not"] as const;

/** JSON Pointer escaping of one reference token (RFC 6901). */
function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function error(
  location: string,
  message: string,
  code: DiagnosticCode = "SCHEMA_VALIDATION_FAILED",
): Diagnostic {
  return { code, location, message, severity: "ERROR" };
}

function literalProblem(type: LiteralType, value: unknown): string | undefined {
  switch (type) {
    case "string":
      return typeof value === "string" ? undefined : "must be a string";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? undefined : "must be a number";
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be a boolean";
    case "timestamp":
      if (typeof value !== "string") return "must be a string";
      return isTimestamp(value) ? undefined : "does not match RFC3339 timestamp";
  }
}

function checkPath(field: string, value: unknown, location: string, out: Diagnostic[]): void {
  if (typeof value !== "string") {
    out.push(error(location, `The value for the field '${field}' must be a string`));
    return;
  }
  const problem = operandSyntaxError(value);
  if (problem !== undefined) {
    out.push(
      error(
        location,
        `The value for the field '${field}' must be a valid JSONPath: ${problem}`,
        "INVALID_JSON_PATH",
      ),
    );
  }
}

function checkRule(
  rule: unknown,
  location: string,
  level: RuleLevel,
  depth: number,
  out: Diagnostic[],
): void {
  if (!isJsonObject(rule)) {
    out.push(error(location, "A Choice rule must be a JSON object"));
    return;
  }
  if (depth > MAX_DEPTH) {
    out.push(
      error(
        location,
        `Choice rules are nested more than ${MAX_DEPTH} levels deep`,
        "TOO_DEEPLY_NESTED",
      ),
    );
    return;
  }
  const operators: string[] = [];
  const combinators: string[] = [];
  for (const key of Object.keys(rule)) {
    const value = rule[key];
    if (value === undefined) continue; // TypeScript callers may spell "absent" as undefined.
    const at = `${location}/${pointerToken(key)}`;
    if (isComparisonOperator(key)) operators.push(key);
    else if ((COMBINATORS as readonly string[]).includes(key)) combinators.push(key);
    else if (key === "Comment") {
      if (typeof value !== "string")
        out.push(error(at, "The value for the field 'Comment' must be a string"));
    } else if (key === "Variable") {
      // Checked below, with the operator it belongs to.
    } else if ((key === "Next" || key === "Assign") && level !== "nested") {
      if (key === "Next" && typeof value !== "string") {
        out.push(error(at, "The value for the field 'Next' must be a string"));
      }
      if (key === "Assign" && !isJsonObject(value)) {
        out.push(error(at, "The value for the field 'Assign' must be a JSON object"));
      }
    } else {
      out.push(error(at, `The field '${key}' is not supported by Step Functions`));
    }
  }
  if (level === "top" && rule.Next === undefined) {
    out.push(error(location, "The field 'Next' is required but was missing"));
  }
  const found = [...combinators, ...operators];
  if (found.length !== 1) {
    const which = found.length === 0 ? "none" : found.join(", ");
    out.push(
      error(
        location,
        `A Choice rule must contain exactly one of And, Or, Not or a comparison operator (found: ${which})`,
      ),
    );
  }
  for (const name of combinators) {
    const value = rule[name];
    const at = `${location}/${name}`;
    if (name === "Not") {
      checkRule(value, at, "nested", depth + 1, out);
    } else if (!Array.isArray(value) || value.length === 0) {
      out.push(
        error(at, `The value for the field '${name}' must be a non-empty array of Choice rules`),
      );
    } else {
      for (let i = 0; i < value.length; i++)
        checkRule(value[i], `${at}/${i}`, "nested", depth + 1, out);
    }
  }
  if (combinators.length > 0 && rule.Variable !== undefined) {
    out.push(
      error(`${location}/Variable`, "The field 'Variable' is not supported by Step Functions"),
    );
  }
  if (operators.length === 0) return;
  if (rule.Variable === undefined) {
    out.push(error(location, "The field 'Variable' is required but was missing"));
  } else {
    checkPath("Variable", rule.Variable, `${location}/Variable`, out);
  }
  for (const name of operators) {
    const spec = OPERATORS[name as keyof typeof OPERATORS];
    const at = `${location}/${name}`;
    if (spec.kind === "path") {
      checkPath(name, rule[name], at, out);
      continue;
    }
    const problem = literalProblem(spec.operand, rule[name]);
    if (problem === undefined) continue;
    out.push(
      error(
        at,
        spec.operand === "timestamp" && typeof rule[name] === "string"
          ? "String does not match RFC3339 timestamp"
          : `The value for the field '${name}' ${problem}`,
      ),
    );
  }
}

/**
 * The problems AWS reports at definition time for one Choice rule of a JSONPath-mode Choice
 * state, located under `location` (a JSON Pointer such as `/States/Check/Choices/0`).
 *
 * @param level `top` (default) for an element of `Choices`, which needs `Next`; `nested` for a
 *   rule inside And/Or/Not, where Next and Assign are not allowed; `condition` to check only
 *   the condition.
 */
export function checkChoiceRule(
  rule: unknown,
  location: string,
  level: RuleLevel = "top",
): Diagnostic[] {
  const out: Diagnostic[] = [];
  checkRule(rule, location, level, 0, out);
  return out;
}
