import { createHash } from "node:crypto";
import { maxLength, stringArg } from "../args.js";
import { type IntrinsicFunction, intrinsicFailure } from "../function.js";

/** The algorithms AWS accepts, by their States.Hash names, mapped to node:crypto's names. */
const ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: "md5",
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

/** AWS's documented input limit for States.Hash. */
const MAX_HASH_INPUT = 10000;

/** States.Hash(data, algorithm): lower-case hex digest of the UTF-8 bytes of `data`. */
export const hash: IntrinsicFunction = {
  minArgs: 2,
  maxArgs: 2,
  apply(args, call) {
    const data = maxLength(stringArg(args, 0, call), MAX_HASH_INPUT, 0, call);
    const algorithm = stringArg(args, 1, call);
    const nodeName = Object.hasOwn(ALGORITHMS, algorithm) ? ALGORITHMS[algorithm] : undefined;
    if (!nodeName) {
      throw intrinsicFailure(
        call.name,
        `unsupported algorithm '${algorithm}'; expected one of ${Object.keys(ALGORITHMS).join(", ")}`,
      );
    }
    return createHash(nodeName).update(data, "utf8").digest("hex");
  },
};
