/** Validation of a document's `parameters` block at parse. */
import { countAt, invalid, objectAt, onlyKeys, shown, stringAt } from "./checks.js";
import { InvalidParametersError } from "./errors.js";
import { checkConstraints, wholeMatch } from "./parameter-constraints.js";
import { valueFromDefault } from "./parameter-values.js";
import { pointer } from "./pointer.js";
import type { JsonValue, ParameterDefinition, ParameterType } from "./types.js";

/** The parameter types, as documents spell them. */
export const PARAMETER_TYPES: readonly ParameterType[] = [
  "String",
  "StringList",
  "Integer",
  "Boolean",
  "MapList",
  "StringMap",
];

/** Parameter names: the characters `{{ name }}` references can carry. */
export const PARAMETER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const KEYS = [
  "type",
  "description",
  "default",
  "allowedValues",
  "allowedPattern",
  "displayType",
  "minItems",
  "maxItems",
  "minChars",
  "maxChars",
] as const;

/** The validated definitions of a `parameters` block (absent: none). */
export function parseParameterDefinitions(
  value: JsonValue | undefined,
  at: string,
): Record<string, ParameterDefinition> {
  if (value === undefined) return {};
  const block = objectAt(value, at, "parameter definitions by name");
  const definitions: Record<string, ParameterDefinition> = {};
  for (const [name, raw] of Object.entries(block)) {
    const here = pointer(at, name);
    if (!PARAMETER_NAME.test(name))
      invalid(
        here,
        `expected a parameter name of letters, digits, _ . - (starting with a letter, digit or _), got ${shown(name)}`,
      );
    definitions[name] = parseDefinition(name, raw, here);
  }
  return definitions;
}

function parseDefinition(name: string, raw: JsonValue, at: string): ParameterDefinition {
  const fields = objectAt(raw, at, `the definition of parameter "${name}"`);
  onlyKeys(fields, KEYS, at);
  const type = fields.type;
  if (!PARAMETER_TYPES.includes(type as ParameterType))
    invalid(
      pointer(at, "type"),
      `expected a parameter type, one of ${PARAMETER_TYPES.join(", ")}, got ${shown(type)}`,
    );
  const definition: ParameterDefinition = { type: type as ParameterType };
  if (fields.description !== undefined)
    definition.description = stringAt(
      fields.description,
      pointer(at, "description"),
      "a description",
    );
  if (fields.allowedValues !== undefined)
    definition.allowedValues = allowedValues(fields.allowedValues, pointer(at, "allowedValues"));
  if (fields.allowedPattern !== undefined) {
    const pattern = stringAt(
      fields.allowedPattern,
      pointer(at, "allowedPattern"),
      "a regular expression",
    );
    try {
      wholeMatch(pattern);
    } catch (error) {
      invalid(
        pointer(at, "allowedPattern"),
        `expected a valid regular expression: ${(error as Error).message}`,
      );
    }
    definition.allowedPattern = pattern;
  }
  if (fields.displayType !== undefined) {
    if (fields.displayType !== "textfield" && fields.displayType !== "textarea")
      invalid(
        pointer(at, "displayType"),
        `expected "textfield" or "textarea", got ${shown(fields.displayType)}`,
      );
    definition.displayType = fields.displayType;
  }
  for (const key of ["minItems", "maxItems", "minChars", "maxChars"] as const) {
    if (fields[key] !== undefined) definition[key] = countAt(fields[key], pointer(at, key), key);
  }
  if (fields.default !== undefined)
    definition.default = parseDefault(name, definition, fields.default, pointer(at, "default"));
  return definition;
}

function allowedValues(value: JsonValue, at: string): string[] {
  if (!Array.isArray(value)) invalid(at, `expected a list of allowed values, got ${shown(value)}`);
  // Numbers and booleans are allowed values as SSM compares them: as text.
  return value.map((item, index) => {
    if (typeof item === "string") return item;
    if (typeof item === "number" || typeof item === "boolean") return String(item);
    return invalid(pointer(at, index), `expected an allowed value (a string), got ${shown(item)}`);
  });
}

function parseDefault(name: string, definition: ParameterDefinition, raw: JsonValue, at: string) {
  const value = valueFromDefault(definition.type, raw);
  if (value === undefined)
    invalid(at, `expected a default of type ${definition.type}, got ${shown(raw)}`);
  try {
    checkConstraints(name, definition, value);
  } catch (error) {
    if (error instanceof InvalidParametersError)
      invalid(at, `expected a default the parameter accepts: ${error.message}`);
    throw error;
  }
  return value;
}
