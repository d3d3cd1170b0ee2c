/**
 * Reading a Choice rule's `Variable` and `...Path` operands.
 *
 * PRIVATE RESOLVER: `src/asl/reference-path.ts` (the shared reference-path compiler) does not
 * exist yet; once it does, `compileOperand` should delegate to its `compileReferencePath` and
 * this file shrinks to the "missing means undefined" adapter below.
 *
 * A reference path starts with one of three roots, each read from the scope:
 * `$$...` the context object, `$name...` a workflow variable, `$...` the state's input. The rest
 * of the path is ordinary JSONPath compiled once by `compilePath`.
 */

import type { Json } from "../json.js";
import { type CompiledPath, compilePath, PathSyntaxError } from "../jsonpath/index.js";
import type { Scope } from "../scope.js";

/** Reads an operand from a scope; undefined when the path selects nothing. */
export type OperandReader = (scope: Scope) => Json | undefined;

/** A variable name as JSONPath mode allows it after `$` (letters, digits, underscore). */
const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*/u;

/**
 * Compiles a reference path into a reader. Throws PathSyntaxError when the text is not a valid
 * path; callers at definition time turn that into a Diagnostic.
 */
export function compileOperand(text: string): OperandReader {
  if (!text.startsWith("$")) {
    throw new PathSyntaxError(text, `path '${text}' must start with '$'`);
  }
  if (text.startsWith("$$")) {
    const path = compilePath(text.slice(1));
    return (scope) => path.select(scope.context);
  }
  const name = VARIABLE_NAME.exec(text.slice(1));
  if (name === null) {
    const path = compilePath(text);
    return (scope) => path.select(scope.input);
  }
  const variable = name[0];
  const rest: CompiledPath = compilePath(`$${text.slice(1 + variable.length)}`);
  return (scope) => {
    const value = scope.variables.get(variable);
    return value === undefined ? undefined : rest.select(value);
  };
}

/** The error message for a path that is not valid, or undefined when it is valid. */
export function operandSyntaxError(text: string): string | undefined {
  try {
    compileOperand(text);
    return undefined;
  } catch (error) {
    // Any failure of the path compiler means the definition cannot run; report, never throw.
    return error instanceof Error ? error.message : `invalid path '${text}'`;
  }
}
