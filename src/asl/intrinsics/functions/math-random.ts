import { roundedIntArg } from "../args.js";
import { type IntrinsicFunction, intrinsicFailure } from "../function.js";
import { JavaRandom } from "../java-random.js";

/**
 * States.MathRandom(start, end[, seed]): an integer in [start, end]. Arguments are rounded to
 * integers as AWS documents. With a seed the result is reproducible (java.util.Random);
 * without one it comes from the scope's entropy.
 */
export const mathRandom: IntrinsicFunction = {
  minArgs: 2,
  maxArgs: 3,
  apply(args, call) {
    const start = roundedIntArg(args, 0, call);
    const end = roundedIntArg(args, 1, call);
    if (end < start) {
      throw intrinsicFailure(
        call.name,
        `the end (${end}) must not be less than the start (${start})`,
      );
    }
    const bound = end - start + 1;
    if (args.length < 3) return start + Math.floor(call.entropy.random() * bound);
    const random = new JavaRandom(roundedIntArg(args, 2, call));
    // nextInt only takes an int bound; the full 32-bit span needs the double form.
    return bound <= 2147483647
      ? start + random.nextInt(bound)
      : start + Math.floor(random.nextDouble() * bound);
  },
};
