/**
 * JSONPath as Step Functions evaluates it (Jayway JsonPath semantics): `$`, `.name`,
 * `['name']`, `[n]` (negative too), `[*]`, `.*`, slices, unions, `..`, filters
 * `[?(...)]` and `.length()`. A path is compiled once at load time and evaluated many times.
 *
 * Files: parser.ts (text → tokens), filter-parser.ts / filter.ts (filters), steps.ts and
 * compile.ts (evaluation), explain.ts (Jayway's error texts).
 */
import { StatesError, StatesErrorName } from "../errors.js";
import type { Json } from "../json.js";
import type { ParsedPath } from "./ast.js";
import { compileParsed } from "./compile.js";
import { explainMissing, normalise } from "./explain.js";
import { parsePath } from "./parser.js";
import { PathSyntaxError } from "./syntax-error.js";

export type { ParsedPath, PathToken } from "./ast.js";
export { parsePath } from "./parser.js";
export { PathSyntaxError } from "./syntax-error.js";

/** A JSONPath compiled once at load time and evaluated many times. */
export interface CompiledPath {
  /** The path as written. */
  readonly text: string;
  /** True when the path selects at most one node (no wildcard, slice, union, filter, `..`). */
  readonly definite: boolean;
  /**
   * Evaluates the path against `root`. A definite path gives the node or undefined when it is
   * absent; an indefinite path gives an array of all matches (possibly empty). Throws
   * StatesError (States.Runtime) only when the input is too deeply nested to evaluate.
   */
  select(root: Json): Json | undefined;
  /**
   * Why a definite path selects nothing in `root`, as Jayway says it (e.g.
   * `No results for path: $['a']`, `Missing property in path $['a']`). Call it only after
   * `select` gave undefined.
   */
  missing(root: Json): string;
  /** The parsed tokens (for callers that write at a path, such as ResultPath). */
  readonly parsed: ParsedPath;
  /** Jayway's normalised form, e.g. `$['a'][0]`. */
  readonly normalised: string;
}

/** Compiles a JSONPath starting with `$`. Throws PathSyntaxError when it is not valid. */
export function compilePath(text: string): CompiledPath {
  if (typeof text !== "string") throw new PathSyntaxError(String(text), "a path must be a string");
  const parsed = parsePath(text);
  const runner = compileParsed(parsed);
  return {
    text,
    definite: runner.definite,
    parsed,
    normalised: normalise(parsed),
    select(root) {
      try {
        return runner.run(root, root);
      } catch (error) {
        // Only absurdly deep input (jsonEquals in a filter recursing) can get here.
        if (error instanceof RangeError) {
          throw new StatesError(
            StatesErrorName.Runtime,
            `The JSONPath '${text}' could not be evaluated: the input is too deeply nested`,
          );
        }
        throw error;
      }
    },
    missing(root) {
      return explainMissing(parsed, root);
    },
  };
}
