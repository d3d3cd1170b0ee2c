/**
 * The functions Step Functions adds to JSONata. Where an intrinsic function does the same job
 * the JSONata function delegates to it, so both languages behave alike.
 */

import type { Entropy } from "../kernel/entropy.js";
import { StatesError, StatesErrorName } from "./errors.js";
import type { IntrinsicFunction } from "./intrinsics/function.js";
import { JavaRandom } from "./intrinsics/java-random.js";
import { intrinsicFunctions } from "./intrinsics/registry.js";
import type { Json } from "./json.js";

/** The binding under which the evaluator passes the run's entropy to these functions. */
export const ENTROPY_BINDING = "__opsflowEntropy";

interface Focus {
  environment: { lookup(name: string): unknown };
}

function entropyOf(focus: Focus): Entropy {
  return focus.environment.lookup(ENTROPY_BINDING) as Entropy;
}

function viaIntrinsic(name: keyof typeof intrinsicFunctions) {
  const fn: IntrinsicFunction = intrinsicFunctions[name];
  return function (this: Focus, ...args: Json[]): Json {
    const defined = args.filter((arg) => arg !== undefined);
    try {
      return fn.apply(defined, { name, entropy: entropyOf(this), argNodes: [] });
    } catch (error) {
      if (error instanceof StatesError)
        throw new StatesError(StatesErrorName.QueryEvaluationError, error.cause);
      throw error;
    }
  };
}

/**
 * Marks an array result as a JSONata sequence, so a one-item result is unwrapped as AWS's
 * JSONata returns it (`$range(1, 1, 1)` is `1`).
 */
function asSequence(fn: (this: Focus, ...args: Json[]) => Json) {
  return function (this: Focus, ...args: Json[]): Json {
    const result = fn.apply(this, args);
    if (Array.isArray(result)) Object.defineProperty(result, "sequence", { value: true });
    return result;
  };
}

/** `$name` → implementation, registered on every compiled JSONata expression. */
export const jsonataFunctions: Record<string, (this: Focus, ...args: Json[]) => Json> = {
  partition: viaIntrinsic("States.ArrayPartition"),
  range: asSequence(viaIntrinsic("States.ArrayRange")),
  hash: viaIntrinsic("States.Hash"),
  parse(text: Json): Json {
    if (typeof text !== "string")
      throw new StatesError(StatesErrorName.QueryEvaluationError, "$parse expects a string");
    try {
      return JSON.parse(text) as Json;
    } catch (error) {
      throw new StatesError(
        StatesErrorName.QueryEvaluationError,
        `$parse: ${(error as Error).message}`,
      );
    }
  },
  uuid(this: Focus): Json {
    return entropyOf(this).uuid();
  },
  random(this: Focus, seed?: Json): Json {
    if (seed === undefined) return entropyOf(this).random();
    if (typeof seed !== "number" || !Number.isInteger(seed)) {
      throw new StatesError(
        StatesErrorName.QueryEvaluationError,
        "$random expects an integer seed",
      );
    }
    return new JavaRandom(seed).nextDouble();
  },
};
