/**
 * `{{ name }}` substitution of bound parameters into step inputs, in one pass (a value that
 * itself contains `{{ }}` is not expanded again, as SSM does not nest expansions).
 *
 * - A text that is exactly one reference becomes the parameter's value with its type (so
 *   `runCommand: "{{ commands }}"` becomes the StringList's lines).
 * - A list item that is exactly a reference to a list is spliced into the list.
 * - A reference inside a longer text becomes the value as text (lists and maps as JSON).
 * - `{{ssm:NAME}}` and `{{ssm-secure:NAME}}` are left in place for `resolveReferences`;
 *   names that are not declared parameters are left as written too (shell and Go templates
 *   use `{{ }}` for their own ends).
 */
import type { BoundParameters, JsonValue, ParameterValue } from "./types.js";

/** A parameter reference: `{{ name }}` or `{{name}}`. */
const REFERENCE = /\{\{\s*([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*\}\}/g;
const WHOLE_REFERENCE = /^\{\{\s*([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*\}\}$/;

/** The inputs with bound parameters substituted. */
export function interpolate(value: JsonValue, bound: BoundParameters): JsonValue {
  if (typeof value === "string") return interpolateText(value, bound);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const result = interpolate(item, bound);
      return typeof item === "string" && Array.isArray(result) && WHOLE_REFERENCE.test(item)
        ? result
        : [result];
    });
  }
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, bound)]),
    );
  return value;
}

function interpolateText(text: string, bound: BoundParameters): JsonValue {
  const whole = WHOLE_REFERENCE.exec(text);
  if (whole && Object.hasOwn(bound, whole[1])) return bound[whole[1]];
  return text.replace(REFERENCE, (all, name: string) =>
    Object.hasOwn(bound, name) ? asText(bound[name]) : all,
  );
}

function asText(value: ParameterValue): string {
  return typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : JSON.stringify(value);
}
