/**
 * The constraints a parameter declares (allowed values, pattern, lengths, item counts),
 * checked on a bound value, given or default. A value that is wholly a Parameter Store
 * reference is resolved only on the way to the node, so values and patterns are not
 * checked on it.
 */
import { InvalidParametersError } from "./errors.js";
import { isWholeReference } from "./references.js";
import type { ParameterDefinition, ParameterValue } from "./types.js";

/** Throws InvalidParametersError when `value` breaks a constraint of `definition`. */
export function checkConstraints(
  name: string,
  definition: ParameterDefinition,
  value: ParameterValue,
): void {
  const fail = (message: string): never => {
    throw new InvalidParametersError(name, `Parameter "${name}" ${message}`);
  };
  if (Array.isArray(value)) {
    const { minItems, maxItems } = definition;
    if (minItems !== undefined && value.length < minItems)
      fail(`needs at least ${minItems} item(s), got ${value.length}`);
    if (maxItems !== undefined && value.length > maxItems)
      fail(`takes at most ${maxItems} item(s), got ${value.length}`);
  }
  for (const text of scalars(value)) {
    const { minChars, maxChars, allowedValues, allowedPattern } = definition;
    if (minChars !== undefined && text.length < minChars)
      fail(`needs at least ${minChars} character(s), got "${text}"`);
    if (maxChars !== undefined && text.length > maxChars)
      fail(`takes at most ${maxChars} character(s), got ${text.length}`);
    if (isWholeReference(text)) continue;
    if (allowedValues && !allowedValues.includes(text))
      fail(`value "${text}" is not allowed; allowed values: ${allowedValues.join(", ")}`);
    if (allowedPattern !== undefined && !wholeMatch(allowedPattern).test(text))
      fail(`value "${text}" does not match the allowed pattern ${allowedPattern}`);
  }
}

/** The pattern anchored to the whole value, as SSM matches it (its patterns carry no anchors). */
export function wholeMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** The texts a constraint applies to: the value, or each item of a string list. */
function scalars(value: ParameterValue): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "number" || typeof value === "boolean") return [String(value)];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [];
}
