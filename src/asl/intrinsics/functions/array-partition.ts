import type { Json } from "../../json.js";
import { arrayArg, integerArg } from "../args.js";
import { type IntrinsicFunction, intrinsicFailure } from "../function.js";

/** States.ArrayPartition(array, size): consecutive chunks of `size`; the last may be shorter. */
export const arrayPartition: IntrinsicFunction = {
  minArgs: 2,
  maxArgs: 2,
  apply(args, call) {
    const items = arrayArg(args, 0, call);
    const size = integerArg(args, 1, call);
    if (size <= 0) {
      throw intrinsicFailure(
        call.name,
        `the chunk size must be a positive integer, but was ${size}`,
      );
    }
    const chunks: Json[] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return chunks;
  },
};
