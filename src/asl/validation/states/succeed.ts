/** Succeed: ends the machine (or branch) successfully; no transition fields. */
import type { StateValidator } from "../context.js";

export const succeedValidator: StateValidator = {
  fields: ["InputPath", "OutputPath", "Output"],
  transitions: false,
  validate() {
    // Only the shared checks apply.
  },
};
