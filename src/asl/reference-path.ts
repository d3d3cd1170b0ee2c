/**
 * Paths that may be rooted at the state input (`$...`), the context object (`$$...`) or a
 * workflow variable (`$name...`, JSONPath-mode variables). Every JSONPath-mode field that
 * reads data (InputPath, OutputPath, `.$` template values, ItemsPath, SecondsPath, ...)
 * goes through here.
 */
import type { Json } from "./json.js";
import { type CompiledPath, compilePath, PathSyntaxError } from "./jsonpath/index.js";
import type { Scope } from "./scope.js";

/** Where a reference path reads from. */
export type ReferenceKind = "input" | "context" | "variable";

/** A compiled reference path. */
export interface CompiledReference {
  /** The path as written, e.g. `$$.Execution.Input` or `$order.items[0]`. */
  readonly text: string;
  readonly kind: ReferenceKind;
  /** The variable's name when `kind` is "variable". */
  readonly variable: string | undefined;
  /** The JSONPath applied to the input, the context object or the variable's value. */
  readonly path: CompiledPath;
  /** True when the path selects at most one node. */
  readonly definite: boolean;
  /**
   * The selected value: the node (definite path) or an array of matches (indefinite path);
   * undefined when a definite path selects nothing or the variable is not set.
   */
  evaluate(scope: Scope): Json | undefined;
  /**
   * Why `evaluate` gave undefined, in Jayway's words (e.g. `No results for path: $['a']`).
   * Call it only after `evaluate` gave undefined.
   */
  missing(scope: Scope): string;
}

/** Variable names: a letter or underscore, then letters, digits or underscores. */
const VARIABLE = /^\$([\p{L}_][\p{L}\p{N}_]*)/u;

/** Compiles a reference path. Throws PathSyntaxError when it is not valid. */
export function compileReferencePath(text: string): CompiledReference {
  if (typeof text !== "string" || !text.startsWith("$")) {
    throw new PathSyntaxError(String(text), `path '${String(text)}' must start with '$'`);
  }
  if (text.startsWith("$$")) {
    const path = compilePath(text.slice(1));
    return {
      text,
      kind: "context",
      variable: undefined,
      path,
      definite: path.definite,
      evaluate: (scope) => path.select(scope.context),
      missing: (scope) => path.missing(scope.context),
    };
  }
  const variable = VARIABLE.exec(text);
  if (variable) {
    const name = variable[1] as string;
    const path = compilePath(`$${text.slice(name.length + 1)}`);
    return {
      text,
      kind: "variable",
      variable: name,
      path,
      definite: path.definite,
      evaluate(scope) {
        const value = scope.variables.get(name);
        return value === undefined ? undefined : path.select(value);
      },
      missing(scope) {
        const value = scope.variables.get(name);
        // Not a recorded AWS text: Step Functions rejects most undefined references up front.
        if (value === undefined) return `The variable '$${name}' is not defined`;
        return path.missing(value);
      },
    };
  }
  const path = compilePath(text);
  return {
    text,
    kind: "input",
    variable: undefined,
    path,
    definite: path.definite,
    evaluate: (scope) => path.select(scope.input),
    missing: (scope) => path.missing(scope.input),
  };
}
