import type { Entropy } from "../kernel/entropy.js";
import type { Json } from "./json.js";

/**
 * What an expression can read while a state runs: the state's effective input (`$`), the
 * context object (`$$`) and the workflow variables (`$name` in JSONPath mode, `$name` in JSONata).
 */
export interface Scope {
  readonly input: Json;
  readonly context: Json;
  readonly variables: Variables;
  /** Randomness for States.UUID and States.MathRandom. */
  readonly entropy: Entropy;
}

/** Read access to the variables visible from a state (own scope first, then enclosing ones). */
export interface Variables {
  /** The value of a variable, or undefined when no visible scope declares it. */
  get(name: string): Json | undefined;
}
