import { arrayArg, integerArg } from "../args.js";
import { type IntrinsicFunction, intrinsicFailure } from "../function.js";

/** States.ArrayGetItem(array, index): the element at a zero-based index. */
export const arrayGetItem: IntrinsicFunction = {
  minArgs: 2,
  maxArgs: 2,
  apply(args, call) {
    const items = arrayArg(args, 0, call);
    const index = integerArg(args, 1, call);
    if (index < 0 || index >= items.length) {
      throw intrinsicFailure(
        call.name,
        `index ${index} is out of bounds for an array of length ${items.length}`,
      );
    }
    return items[index];
  },
};
