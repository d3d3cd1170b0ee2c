import type { Json } from "../../json.js";
import { stringArg } from "../args.js";
import { type IntrinsicFunction, intrinsicFailure } from "../function.js";

/**
 * States.StringToJson(text): parses JSON text. Blank text gives null, as recorded from AWS
 * (`""` and `" "` both return null).
 */
export const stringToJson: IntrinsicFunction = {
  minArgs: 1,
  maxArgs: 1,
  apply(args, call) {
    const text = stringArg(args, 0, call).trim();
    if (text === "") return null;
    try {
      return JSON.parse(text, noNegativeZero) as Json;
    } catch (error) {
      // Other errors (nesting too deep for the parser) are reported by the caller's wrapper.
      if (!(error instanceof SyntaxError)) throw error;
      throw intrinsicFailure(call.name, "the argument is not valid JSON text");
    }
  },
};

/** Jackson reads `-0` as the integer 0; JSON.parse would keep a JavaScript -0. */
function noNegativeZero(_key: string, value: unknown): unknown {
  return Object.is(value, -0) ? 0 : value;
}
