import type { IntrinsicFunction } from "../function.js";

/** States.Array(values...): the arguments as an array, in order. */
export const array: IntrinsicFunction = {
  minArgs: 0,
  maxArgs: Number.POSITIVE_INFINITY,
  apply: (args) => [...args],
};
