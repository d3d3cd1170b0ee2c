import { stringArg } from "../args.js";
import type { IntrinsicFunction } from "../function.js";

/**
 * States.StringSplit(text, delimiters): splits at every character of `delimiters` and drops
 * empty pieces, like Java's StringTokenizer (recorded: ",,,," gives [], ".+,=" splits on each
 * of the four characters).
 */
export const stringSplit: IntrinsicFunction = {
  minArgs: 2,
  maxArgs: 2,
  apply(args, call) {
    const text = stringArg(args, 0, call);
    const delimiters = new Set(stringArg(args, 1, call));
    const tokens: string[] = [];
    let token = "";
    for (const ch of text) {
      if (delimiters.has(ch)) {
        if (token) tokens.push(token);
        token = "";
      } else {
        token += ch;
      }
    }
    if (token) tokens.push(token);
    return tokens;
  },
};
