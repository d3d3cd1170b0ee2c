import { arrayArg } from "../args.js";
import type { IntrinsicFunction } from "../function.js";

/** States.ArrayLength(array): the number of elements. */
export const arrayLength: IntrinsicFunction = {
  minArgs: 1,
  maxArgs: 1,
  apply: (args, call) => arrayArg(args, 0, call).length,
};
