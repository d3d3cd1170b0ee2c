import { roundedIntArg } from "../args.js";
import type { IntrinsicFunction } from "../function.js";

/**
 * States.MathAdd(a, b): the sum after rounding each argument to an integer (recorded from AWS:
 * 1.49 + 1.5 = 3, -0.5 + 0.5 = 1).
 */
export const mathAdd: IntrinsicFunction = {
  minArgs: 2,
  maxArgs: 2,
  apply: (args, call) => roundedIntArg(args, 0, call) + roundedIntArg(args, 1, call),
};
