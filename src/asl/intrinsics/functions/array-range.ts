import { integerArg } from "../args.js";
import { type IntrinsicFunction, intrinsicFailure } from "../function.js";

/** AWS's documented cap on the generated array. */
export const MAX_RANGE_ITEMS = 1000;

/**
 * States.ArrayRange(first, last, step): first, first+step, ... while not past `last`. Integer
 * arguments and a non-zero step are required; the size is computed before anything is built,
 * so a huge range fails at once instead of allocating.
 */
export const arrayRange: IntrinsicFunction = {
  minArgs: 3,
  maxArgs: 3,
  apply(args, call) {
    const first = integerArg(args, 0, call);
    const last = integerArg(args, 1, call);
    const step = integerArg(args, 2, call);
    if (step === 0) throw intrinsicFailure(call.name, "the step (third argument) must not be 0");
    const span = (last - first) / step;
    const count = span < 0 ? 0 : Math.floor(span) + 1;
    if (count > MAX_RANGE_ITEMS) {
      throw intrinsicFailure(
        call.name,
        `the range would contain ${count} items; at most ${MAX_RANGE_ITEMS} are allowed`,
      );
    }
    return Array.from({ length: count }, (_, i) => first + i * step);
  },
};
