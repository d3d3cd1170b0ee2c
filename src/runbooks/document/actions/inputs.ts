/** Checks and conversions of the inputs several actions share. */
import { invalid, shown } from "../checks.js";
import { pointer } from "../pointer.js";
import type { JsonValue } from "../types.js";
import { InputValueError } from "./action.js";

/** The step timeout when a document gives none, seconds (SSM's default). */
export const DEFAULT_TIMEOUT_SECONDS = 3600;
/** The longest step timeout SSM allows, seconds (48 hours). */
export const MAX_TIMEOUT_SECONDS = 172800;

/** True when the value waits on a `{{ }}` reference: checked once substituted. */
export function deferred(value: JsonValue | undefined): boolean {
  return typeof value === "string" && value.includes("{{");
}

/** Parse-time check of a `timeoutSeconds` input as written. */
export function checkTimeout(value: JsonValue | undefined, at: string): void {
  if (value === undefined || deferred(value)) return;
  if (timeoutOf(value) === undefined)
    invalid(
      pointer(at, "timeoutSeconds"),
      `expected a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, got ${shown(value)}`,
    );
}

/** The `timeoutSeconds` input as seconds (absent: the default). */
export function compileTimeout(value: JsonValue | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const seconds = timeoutOf(value);
  if (seconds === undefined)
    throw new InputValueError(
      "timeoutSeconds",
      `timeoutSeconds must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, got ${shown(value)}`,
    );
  return seconds;
}

function timeoutOf(value: JsonValue): number | undefined {
  const seconds = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof seconds === "number" &&
    Number.isInteger(seconds) &&
    seconds >= 1 &&
    seconds <= MAX_TIMEOUT_SECONDS
    ? seconds
    : undefined;
}

/** Parse-time check of an optional text input. */
export function checkText(value: JsonValue | undefined, at: string, input: string): void {
  if (value !== undefined && typeof value !== "string")
    invalid(pointer(at, input), `expected ${input} as a string, got ${shown(value)}`);
}

/** An optional text input once substituted; empty text counts as absent. */
export function compileText(value: JsonValue | undefined, input: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string")
    throw new InputValueError(input, `${input} must be a string, got ${shown(value)}`);
  return value;
}
