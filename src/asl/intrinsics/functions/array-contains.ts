import { jsonEquals } from "../../json.js";
import { arrayArg } from "../args.js";
import type { IntrinsicFunction } from "../function.js";

/** States.ArrayContains(array, value): true when an element deep-equals `value`. */
export const arrayContains: IntrinsicFunction = {
  minArgs: 2,
  maxArgs: 2,
  apply(args, call) {
    const target = args[1];
    return arrayArg(args, 0, call).some((item) => jsonEquals(item, target));
  },
};
