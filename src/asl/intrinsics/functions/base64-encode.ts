import { Buffer } from "node:buffer";
import { maxLength, stringArg } from "../args.js";
import type { IntrinsicFunction } from "../function.js";

/** AWS's documented input limit for the Base64 functions. */
export const MAX_BASE64_INPUT = 10000;

/** States.Base64Encode(text): Base64 (standard alphabet, padded) of the UTF-8 bytes. */
export const base64Encode: IntrinsicFunction = {
  minArgs: 1,
  maxArgs: 1,
  apply(args, call) {
    const text = maxLength(stringArg(args, 0, call), MAX_BASE64_INPUT, 0, call);
    return Buffer.from(text, "utf8").toString("base64");
  },
};
