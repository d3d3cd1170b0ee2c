/**
 * The JSONPath subset EventBridge evaluates in InputPath and InputPathsMap.
 *
 * AWS: "You must use JSON dot notation, not bracket notation" (API_Target InputPath,
 * API_InputTransformer InputPathsMap; values at most 256 characters) and "EventBridge does not
 * support all JSON Path syntax ... Supported syntax includes: dot notation, dashes,
 * underscores, alphanumeric characters, array indices, wildcards"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
 * Paths are evaluated with the project's Jayway-compatible engine (EventBridge is a Java
 * service and its paths behave as Jayway's): a definite path gives one node or nothing, a
 * path with a wildcard gives the array of matches. What AWS does not support (bracket
 * property names, filters, `..`, slices, functions) is refused here, at PutTargets time,
 * instead of failing silently at delivery.
 */
import type { Json } from "../../asl/json.js";
import { type CompiledPath, compilePath, PathSyntaxError } from "../../asl/jsonpath/index.js";
import { InvalidTargetInputError } from "./errors.js";

/** Maximum length of an InputPath or an InputPathsMap value. */
export const MAX_PATH_LENGTH = 256;

/** A validated EventBridge path. */
export interface EventPath {
  readonly text: string;
  /** The value at the path, an array of matches for wildcard paths, undefined when absent. */
  select(event: Json): Json | undefined;
}

/** Compiles an EventBridge JSONPath; `pointer` locates it in errors. */
export function compileEventPath(text: unknown, pointer: string): EventPath {
  if (typeof text !== "string" || text === "") {
    throw new InvalidTargetInputError(`${label(pointer)} must be a non-empty JSONPath string.`, {
      pointer,
    });
  }
  if (text.length > MAX_PATH_LENGTH) {
    throw new InvalidTargetInputError(
      `${label(pointer)} is longer than ${MAX_PATH_LENGTH} characters.`,
      { pointer },
    );
  }
  const bracket = /\[\s*['"]/.exec(text);
  if (bracket) {
    throw new InvalidTargetInputError(
      `${label(pointer)} '${text}' must use JSON dot notation, not bracket notation.`,
      { pointer, offset: bracket.index },
    );
  }
  let compiled: CompiledPath;
  try {
    compiled = compilePath(text);
  } catch (error) {
    if (error instanceof PathSyntaxError) {
      throw new InvalidTargetInputError(
        `${label(pointer)} '${text}' is not a valid JSONPath: ${error.message}`,
        { pointer },
      );
    }
    throw error;
  }
  if (compiled.parsed.root !== "$") {
    throw new InvalidTargetInputError(`${label(pointer)} '${text}' must start with '$'.`, {
      pointer,
    });
  }
  for (const token of compiled.parsed.tokens) {
    const supported =
      (token.kind === "property" && token.names.length === 1) ||
      token.kind === "index" ||
      token.kind === "wildcard";
    if (!supported) {
      throw new InvalidTargetInputError(
        `${label(pointer)} '${text}' uses JSONPath syntax EventBridge does not support (${describe(token.kind)}).`,
        { pointer },
      );
    }
  }
  return {
    text,
    select(event) {
      const value = compiled.select(event);
      // Paths without a wildcard are definite: a missing node gives undefined.
      return value;
    },
  };
}

function describe(kind: string): string {
  switch (kind) {
    case "scan":
      return "deep scan '..'";
    case "filter":
      return "filter expression";
    case "slice":
      return "array slice";
    case "function":
      return "function call";
    default:
      return "multiple property names";
  }
}

function label(pointer: string): string {
  if (pointer === "/InputPath") return "InputPath";
  const name = pointer.split("/").pop() ?? "";
  return `InputPathsMap value for '${name.replace(/~1/g, "/").replace(/~0/g, "~")}'`;
}
