import { Buffer } from "node:buffer";
import { maxLength, stringArg } from "../args.js";
import { type IntrinsicFunction, intrinsicFailure } from "../function.js";
import { MAX_BASE64_INPUT } from "./base64-encode.js";

/**
 * Standard-alphabet Base64, padding optional, as Java's basic decoder accepts. Node's own
 * decoder silently skips invalid characters, so the text is checked first.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** States.Base64Decode(text): the UTF-8 text encoded by a Base64 string. */
export const base64Decode: IntrinsicFunction = {
  minArgs: 1,
  maxArgs: 1,
  apply(args, call) {
    const text = maxLength(stringArg(args, 0, call), MAX_BASE64_INPUT, 0, call);
    if (!BASE64.test(text)) throw intrinsicFailure(call.name, "the argument is not valid Base64");
    return Buffer.from(text, "base64").toString("utf8");
  },
};
