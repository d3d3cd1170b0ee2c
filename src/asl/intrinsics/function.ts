/** The contract every intrinsic function implements, and how it reports failures. */

import type { Entropy } from "../../kernel/entropy.js";
import { StatesError, StatesErrorName } from "../errors.js";
import type { Json } from "../json.js";
import type { ArgNode } from "./ast.js";

/** What a function may see besides its argument values. */
export interface CallContext {
  /** Full function name, e.g. `States.Format`, for messages. */
  readonly name: string;
  /** Randomness for States.UUID and States.MathRandom; never Math.random. */
  readonly entropy: Entropy;
  /** The arguments as written, for functions whose meaning depends on literal syntax. */
  readonly argNodes: readonly ArgNode[];
}

/** One intrinsic function: its accepted argument count and its evaluation. */
export interface IntrinsicFunction {
  readonly minArgs: number;
  /** `Infinity` for variadic functions. */
  readonly maxArgs: number;
  /**
   * Computes the result from evaluated arguments. Arguments may share structure with the
   * state input and must not be mutated. Bad arguments throw {@link intrinsicFailure}.
   */
  apply(args: readonly Json[], call: CallContext): Json;
}

/** A `States.IntrinsicFailure` for function `name`, with AWS's wording style. */
export function intrinsicFailure(name: string, detail: string): StatesError {
  return new StatesError(
    StatesErrorName.IntrinsicFailure,
    `Invalid arguments in ${name}: ${detail}`,
  );
}

/** The expected-arguments phrase shared by the runtime error and the static checker. */
export function arityProblem(name: string, fn: IntrinsicFunction, got: number): string | undefined {
  if (got >= fn.minArgs && got <= fn.maxArgs) return undefined;
  const expected =
    fn.minArgs === fn.maxArgs
      ? `exactly ${fn.minArgs}`
      : fn.maxArgs === Number.POSITIVE_INFINITY
        ? `at least ${fn.minArgs}`
        : `${fn.minArgs} to ${fn.maxArgs}`;
  return `${name} expects ${expected} argument${fn.maxArgs === 1 ? "" : "s"}, but got ${got}`;
}
