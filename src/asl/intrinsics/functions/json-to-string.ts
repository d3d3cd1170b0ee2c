import type { IntrinsicFunction } from "../function.js";
import { toJsonText } from "../java-text.js";

/** States.JsonToString(value): compact JSON text of any value, numbers printed as Java does. */
export const jsonToString: IntrinsicFunction = {
  minArgs: 1,
  maxArgs: 1,
  apply: (args) => toJsonText(args[0]),
};
