import type { IntrinsicFunction } from "../function.js";

/** States.UUID(): a random version 4 UUID from the scope's entropy. */
export const uuid: IntrinsicFunction = {
  minArgs: 0,
  maxArgs: 0,
  apply: (_args, call) => call.entropy.uuid(),
};
