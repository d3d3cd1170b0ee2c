/**
 * Binding the values a caller gives (SendCommand's `Parameters`) to a document's declared
 * parameters, with SSM's rules, and describing the declarations (DescribeDocument).
 */
import { InvalidParametersError } from "./errors.js";
import { checkConstraints } from "./parameter-constraints.js";
import { valueFromStrings } from "./parameter-values.js";
import type {
  BoundParameters,
  ParameterDefinition,
  ParameterType,
  ParameterValue,
  ParsedDocument,
} from "./types.js";

/**
 * Every declared parameter's value: the caller's, converted to its type, or its default.
 * @throws InvalidParametersError for an undeclared name, a missing required parameter (one
 * without a default), a value of the wrong type or count, or one outside allowedValues,
 * allowedPattern or the declared lengths.
 */
export function bindParameters(
  document: ParsedDocument,
  given: Readonly<Record<string, readonly string[]>>,
): BoundParameters {
  const definitions = definitionsOf(document);
  const unknown = Object.keys(given).filter((name) => !Object.hasOwn(definitions, name));
  if (unknown.length > 0) {
    const declared = Object.keys(definitions);
    throw new InvalidParametersError(
      unknown[0],
      `Parameter "${unknown[0]}" is not defined in the document; ${
        declared.length === 0 ? "it declares no parameters" : `it declares ${declared.join(", ")}`
      }`,
    );
  }
  const bound: Record<string, ParameterValue> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const value = Object.hasOwn(given, name)
      ? valueFromStrings(name, definition.type, given[name])
      : definition.default;
    if (value === undefined)
      throw new InvalidParametersError(
        name,
        `Parameter "${name}" is required (it has no default)${allowedHint(definition)}`,
      );
    checkConstraints(name, definition, value);
    bound[name] = value;
  }
  return bound;
}

/** One entry of DescribeDocument's `Parameters`. */
export interface DocumentParameterDescription {
  Name: string;
  Type: ParameterType;
  Description?: string;
  /** The default as text (lists and maps as JSON). */
  DefaultValue?: string;
}

/** The document's declared parameters as DescribeDocument lists them. */
export function describeParameters(document: ParsedDocument): DocumentParameterDescription[] {
  return Object.entries(definitionsOf(document)).map(([name, definition]) => {
    const entry: DocumentParameterDescription = { Name: name, Type: definition.type };
    if (definition.description !== undefined) entry.Description = definition.description;
    if (definition.default !== undefined)
      entry.DefaultValue =
        typeof definition.default === "string"
          ? definition.default
          : JSON.stringify(definition.default);
    return entry;
  });
}

/** A document's declarations (both document types validate them the same way). */
function definitionsOf(document: ParsedDocument): Record<string, ParameterDefinition> {
  return document.parameters;
}

function allowedHint(definition: ParameterDefinition): string {
  return definition.allowedValues ? `; allowed values: ${definition.allowedValues.join(", ")}` : "";
}
