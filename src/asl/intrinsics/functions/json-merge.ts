import { booleanArg, objectArg } from "../args.js";
import { type IntrinsicFunction, intrinsicFailure } from "../function.js";

/**
 * States.JsonMerge(a, b, deep): a shallow merge where `b`'s keys win. AWS supports only the
 * shallow mode, so `deep` must be false.
 */
export const jsonMerge: IntrinsicFunction = {
  minArgs: 3,
  maxArgs: 3,
  apply(args, call) {
    const left = objectArg(args, 0, call);
    const right = objectArg(args, 1, call);
    if (booleanArg(args, 2, call)) {
      throw intrinsicFailure(
        call.name,
        "deep merging is not supported; the third argument must be false",
      );
    }
    return { ...left, ...right };
  },
};
