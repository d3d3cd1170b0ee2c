/** Checks of Automation step inputs as written: a `{{ }}` reference may stand for any type. */
import { deferred } from "../actions/inputs.js";
import { invalid, isObject, shown } from "../checks.js";
import { pointer } from "../pointer.js";
import type { JsonObject, JsonValue } from "../types.js";

export { deferred };

/** Refuses a missing input. */
export function required(inputs: JsonObject, names: readonly string[], at: string, action: string) {
  for (const name of names)
    if (inputs[name] === undefined)
      invalid(pointer(at, name), `expected input ${name} (required by ${action})`);
}

/** Refuses inputs outside `allowed` (for actions that are not API passthroughs). */
export function known(inputs: JsonObject, allowed: readonly string[], at: string, action: string) {
  for (const key of Object.keys(inputs))
    if (!allowed.includes(key))
      invalid(
        pointer(at, key),
        `unknown input "${key}" for ${action}; expected one of ${allowed.join(", ")}`,
      );
}

type Check = (value: JsonValue) => boolean;

const CHECKS = {
  string: (v) => typeof v === "string",
  boolean: (v) => typeof v === "boolean" || v === "true" || v === "false",
  integer: (v) => Number.isInteger(v) || (typeof v === "string" && /^-?\d+$/.test(v)),
  "string list": (v) => Array.isArray(v) && v.every((item) => typeof item === "string"),
  object: (v) => isObject(v),
  "list of objects": (v) => Array.isArray(v) && v.every((item) => isObject(item) || deferred(item)),
} satisfies Record<string, Check>;

/** The kinds of input value. */
export type InputKind = keyof typeof CHECKS;

/** Refuses an input present with a literal value not of `kind`. */
export function typed(inputs: JsonObject, name: string, kind: InputKind, at: string): void {
  const value = inputs[name];
  if (value === undefined || deferred(value)) return;
  if (!CHECKS[kind](value))
    invalid(pointer(at, name), `expected ${name} as ${article(kind)} ${kind}, got ${shown(value)}`);
}

/** Checks several inputs of one kind. */
export function allTyped(
  inputs: JsonObject,
  names: readonly string[],
  kind: InputKind,
  at: string,
) {
  for (const name of names) typed(inputs, name, kind, at);
}

/** Refuses a literal value outside `allowed`. */
export function oneOf(inputs: JsonObject, name: string, allowed: readonly string[], at: string) {
  const value = inputs[name];
  if (value === undefined || deferred(value)) return;
  if (typeof value !== "string" || !allowed.includes(value))
    invalid(
      pointer(at, name),
      `expected ${name} to be one of ${allowed.join(", ")}, got ${shown(value)}`,
    );
}

/** Refuses a literal integer outside [min, max]. */
export function inRange(inputs: JsonObject, name: string, min: number, max: number, at: string) {
  typed(inputs, name, "integer", at);
  const value = inputs[name];
  if (value === undefined || deferred(value)) return;
  const number = Number(value);
  if (number < min || number > max)
    invalid(pointer(at, name), `expected ${name} from ${min} to ${max}, got ${shown(value)}`);
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? "an" : "a";
}
