/**
 * Checks of the expressions a definition embeds: JSONPath paths, payload templates whose
 * `.$` keys hold a path or an intrinsic call, and JSONata `{% ... %}` strings. Expressions are
 * compiled once here so that a definition that passes never fails later on syntax.
 */
import jsonata from "jsonata";
import type { JsonObject } from "../json.js";
import { compilePath, PathSyntaxError } from "../jsonpath/index.js";
import type { ValidationContext } from "./context.js";
import { checkIntrinsicCall } from "./hooks.js";
import { pointer } from "./pointer.js";

/** Payload templates nested deeper than this are reported instead of walked. */
const MAX_TEMPLATE_DEPTH = 128;

/** True for a JSONata expression string `{% ... %}`. */
export function isJsonataExpression(value: unknown): value is string {
  return (
    typeof value === "string" && value.length >= 4 && value.startsWith("{%") && value.endsWith("%}")
  );
}

/** The error message of a JSONata expression that does not parse, else undefined. */
export function jsonataSyntaxError(expression: string): string | undefined {
  const body = expression.slice(2, -2);
  if (body.trim() === "") return "the expression is empty";
  try {
    jsonata(body);
    return undefined;
  } catch (error) {
    const e = error as { message?: unknown; position?: unknown };
    const message = typeof e.message === "string" ? e.message : String(error);
    return typeof e.position === "number" ? `${message} (position ${e.position})` : message;
  }
}

/** Reports a `{% %}` string that does not parse; other values are ignored. */
export function checkJsonataValue(ctx: ValidationContext, value: unknown, location: string): void {
  if (!isJsonataExpression(value)) return;
  const problem = jsonataSyntaxError(value);
  if (problem !== undefined) {
    ctx.error("INVALID_JSONATA", location, `Invalid JSONata expression '${value}': ${problem}`);
  }
}

/** Walks a JSONata-mode template (Arguments, Output, Assign...) and checks every expression. */
export function checkJsonataTemplate(
  ctx: ValidationContext,
  value: unknown,
  location: string,
  depth = 0,
): void {
  if (depth > MAX_TEMPLATE_DEPTH) {
    ctx.error(
      "TOO_DEEPLY_NESTED",
      location,
      `The value is nested deeper than ${MAX_TEMPLATE_DEPTH} levels`,
    );
    return;
  }
  if (typeof value === "string") checkJsonataValue(ctx, value, location);
  else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkJsonataTemplate(ctx, item, pointer(location, i), depth + 1);
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      checkJsonataTemplate(ctx, item, pointer(location, key), depth + 1);
    }
  }
}

/**
 * The problem with a JSONPath as a state field may use it, else undefined. Context paths
 * (`$$.Execution.Id`) and variable references (`$name.field`) are paths over another root,
 * so their remainder is compiled as a path over `$`.
 */
export function pathProblem(text: string): string | undefined {
  let path = text;
  if (path.startsWith("$$")) path = path.slice(1);
  else {
    const variable = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(path);
    if (variable) path = "$" + path.slice(variable[0].length);
  }
  try {
    compilePath(path);
    return undefined;
  } catch (error) {
    if (error instanceof PathSyntaxError) return error.message;
    return error instanceof Error ? error.message : String(error);
  }
}

/** Options of a path field check. */
export interface PathFieldRule {
  /** `null` is a legal value (InputPath, OutputPath, ResultPath). */
  nullable?: boolean;
  /** An intrinsic call is accepted too (ErrorPath, CausePath). */
  intrinsic?: boolean;
}

/** Checks an optional path field of `obj` (InputPath, ItemsPath, SecondsPath...). */
export function checkPathField(
  ctx: ValidationContext,
  obj: JsonObject,
  field: string,
  location: string,
  rule: PathFieldRule = {},
): void {
  const value = obj[field];
  if (value === undefined || (value === null && rule.nullable === true)) return;
  const at = pointer(location, field);
  if (typeof value !== "string") {
    ctx.schema(at, `Expected value of type [STRING]`);
    return;
  }
  if (rule.intrinsic === true && value.startsWith("States.")) {
    if (checkIntrinsicCall(value).length > 0) {
      ctx.schema(
        at,
        `The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call`,
      );
    }
    return;
  }
  if (pathProblem(value) !== undefined) {
    ctx.error(
      "INVALID_JSON_PATH",
      at,
      `The value for the field '${field}' must be a valid JSONPath`,
    );
  }
}

/**
 * Checks a JSONPath-mode payload template (Parameters, ResultSelector, ItemSelector, Assign):
 * every `key.$` must hold a valid path or intrinsic call. AWS locates the problem at the
 * template field itself, whatever the depth of the key.
 */
export function checkPayloadTemplate(
  ctx: ValidationContext,
  value: unknown,
  location: string,
  depth = 0,
  root = location,
): void {
  if (depth > MAX_TEMPLATE_DEPTH) {
    ctx.error(
      "TOO_DEEPLY_NESTED",
      location,
      `The value is nested deeper than ${MAX_TEMPLATE_DEPTH} levels`,
    );
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkPayloadTemplate(ctx, item, pointer(location, i), depth + 1, root);
    });
    return;
  }
  if (typeof value !== "object" || value === null) return;
  for (const [key, item] of Object.entries(value)) {
    if (key.endsWith(".$")) {
      if (typeof item !== "string" || dynamicValueProblem(item) !== undefined) {
        ctx.schema(
          root,
          `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`,
        );
      }
    } else checkPayloadTemplate(ctx, item, pointer(location, key), depth + 1, root);
  }
}

/** The problem with the value of a `key.$` field, else undefined. */
function dynamicValueProblem(text: string): string | undefined {
  if (text.startsWith("States.")) return checkIntrinsicCall(text)[0];
  return pathProblem(text);
}
