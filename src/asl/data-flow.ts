/**
 * JSONPath-mode input and output processing of a state: InputPath, ResultPath, OutputPath.
 * Pure functions; failures are StatesError with the spec's error name and the state-independent
 * part of AWS's cause (the evaluator prefixes "An error occurred while executing the state...").
 */
import { StatesError, StatesErrorName } from "./errors.js";
import { isJsonObject, type Json, type JsonObject } from "./json.js";
import { PathSyntaxError, type PathToken, parsePath } from "./jsonpath/index.js";
import { defineMember } from "./jsonpath/steps.js";
import { type CompiledReference, compileReferencePath } from "./reference-path.js";
import type { Scope } from "./scope.js";

/** A path field as the evaluator holds it: text (compiled once here), compiled, null or absent. */
export type PathField = string | CompiledReference | null | undefined;

/**
 * InputPath: absent → the input; null → `{}`; otherwise the selected value. A definite path
 * that selects nothing fails with States.Runtime, e.g.
 * `Invalid path '$.x' : No results for path: $['x']`.
 */
export function applyInputPath(path: PathField, scope: Scope): Json {
  return selectField(path, scope);
}

/** OutputPath: the same rules as InputPath, applied to the state's output. */
export function applyOutputPath(path: PathField, scope: Scope): Json {
  return selectField(path, scope);
}

function selectField(path: PathField, scope: Scope): Json {
  if (path === undefined) return scope.input;
  if (path === null) return {};
  const reference = typeof path === "string" ? referenceFor(path) : path;
  const value = reference.evaluate(scope);
  if (value !== undefined) return value;
  throw new StatesError(
    StatesErrorName.Runtime,
    `Invalid path '${reference.text}' : ${reference.missing(scope)}`,
  );
}

/**
 * Compiled paths by text. Definitions are compiled once, but InputPath/OutputPath reach us
 * as text; the cache keeps that at one parse per distinct path. Bounded against misuse.
 */
const references = new Map<string, CompiledReference>();
const CACHE_LIMIT = 10_000;

function referenceFor(text: string): CompiledReference {
  let reference = references.get(text);
  if (reference === undefined) {
    try {
      reference = compileReferencePath(text);
    } catch (error) {
      if (error instanceof PathSyntaxError) {
        throw new StatesError(StatesErrorName.Runtime, `Invalid path '${text}' : ${error.message}`);
      }
      throw error;
    }
    if (references.size >= CACHE_LIMIT) references.clear();
    references.set(text, reference);
  }
  return reference;
}

/** A compiled ResultPath: `$` or a chain of names and indexes. */
export interface CompiledResultPath {
  readonly text: string;
  /** Member names and array indexes from the root; empty for `$`. */
  readonly steps: readonly (string | number)[];
}

/**
 * Compiles a ResultPath. It must be a definite path rooted at `$` made only of names and
 * indexes (no `$$`, variables, wildcards, slices, filters, unions or functions).
 */
export function compileResultPath(text: string): CompiledResultPath {
  if (typeof text !== "string" || text.startsWith("$$") || !/^\$($|[.[])/.test(text)) {
    throw new PathSyntaxError(
      String(text),
      `ResultPath '${String(text)}' must be a reference path starting with '$'`,
    );
  }
  const steps = parsePath(text).tokens.map((token: PathToken) => {
    if (token.kind === "property" && token.names.length === 1) return token.names[0] as string;
    if (token.kind === "index" && token.indexes.length === 1) return token.indexes[0] as number;
    throw new PathSyntaxError(
      text,
      `ResultPath '${text}' must select a single node (names and indexes only)`,
    );
  });
  return { text, steps };
}

const resultPaths = new Map<string, CompiledResultPath>();

function resultPathFor(text: string): CompiledResultPath {
  let compiled = resultPaths.get(text);
  if (compiled === undefined) {
    try {
      compiled = compileResultPath(text);
    } catch (error) {
      if (error instanceof PathSyntaxError) {
        throw new StatesError(StatesErrorName.Runtime, `Invalid path '${text}' : ${error.message}`);
      }
      throw error;
    }
    if (resultPaths.size >= CACHE_LIMIT) resultPaths.clear();
    resultPaths.set(text, compiled);
  }
  return compiled;
}

/**
 * ResultPath: absent or `$` → the result; null → the input unchanged; otherwise a copy of the
 * input with the result placed at the path, creating missing intermediate objects. The input
 * is never mutated (only the objects along the path are copied). Fails with
 * States.ResultPathMatchFailure when the path runs into a value that is not an object (or,
 * for an index, not an array long enough).
 */
export function applyResultPath(
  input: Json,
  result: Json,
  path: string | CompiledResultPath | null | undefined,
): Json {
  if (path === undefined) return result;
  if (path === null) return input;
  const compiled = typeof path === "string" ? resultPathFor(path) : path;
  const steps = compiled.steps;
  if (steps.length === 0) return result;
  const written = write(input, steps, 0, result);
  if (written !== undefined) return written;
  throw new StatesError(
    StatesErrorName.ResultPathMatchFailure,
    `Unable to apply ReferencePath ${compiled.text} to input ${stringify(input)}`,
  );
}

/** `node` with `result` written at `steps[i...]`, or undefined when that is impossible. */
function write(
  node: Json | undefined,
  steps: readonly (string | number)[],
  i: number,
  result: Json,
): Json | undefined {
  if (i === steps.length) return result;
  const step = steps[i] as string | number;
  if (typeof step === "string") {
    // A missing member is created as an object (only objects can be created on the way).
    const target = node === undefined ? {} : node;
    if (!isJsonObject(target)) return undefined;
    const child = Object.hasOwn(target, step) ? target[step] : undefined;
    if (child === undefined && typeof steps[i + 1] === "number") return undefined;
    const value = write(child, steps, i + 1, result);
    if (value === undefined) return undefined;
    const copy: JsonObject = { ...target };
    defineMember(copy, step, value);
    return copy;
  }
  if (!Array.isArray(node)) return undefined;
  const index = step < 0 ? node.length + step : step;
  if (index < 0 || index >= node.length) return undefined;
  const value = write(node[index], steps, i + 1, result);
  if (value === undefined) return undefined;
  const copy = node.slice();
  copy[index] = value;
  return copy;
}

/** JSON text for a cause; input too deep to serialise is described instead of crashing. */
export function stringify(value: Json): string {
  try {
    return JSON.stringify(value);
  } catch {
    return "<input too deeply nested to display>";
  }
}
