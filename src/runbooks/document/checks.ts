/** Small shape checks used while validating a document: each throws a located DocumentError. */
import { DocumentError } from "./errors.js";
import { pointer } from "./pointer.js";
import type { JsonObject, JsonValue } from "./types.js";

/** Refuses the value at `at`, saying what was expected. */
export function invalid(at: string, expected: string): never {
  throw new DocumentError("InvalidDocumentContent", at, expected);
}

/** How a value reads in a message: its JSON, shortened. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value as an object, or a refusal. */
export function objectAt(value: JsonValue | undefined, at: string, what: string): JsonObject {
  if (!isObject(value)) invalid(at, `expected ${what} (an object), got ${shown(value)}`);
  return value;
}

/** The value as a string, or a refusal. */
export function stringAt(value: JsonValue | undefined, at: string, what: string): string {
  if (typeof value !== "string") invalid(at, `expected ${what} (a string), got ${shown(value)}`);
  return value;
}

/** The value as a non-negative integer, or a refusal. */
export function countAt(value: JsonValue | undefined, at: string, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
    invalid(at, `expected ${what} (a non-negative integer), got ${shown(value)}`);
  return value;
}

/** Refuses any key of `object` outside `allowed`. */
export function onlyKeys(object: JsonObject, allowed: readonly string[], at: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key))
      invalid(pointer(at, key), `unknown key "${key}"; expected one of ${allowed.join(", ")}`);
  }
}
