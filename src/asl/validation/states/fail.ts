/** Fail: ends with an error; `Error`/`ErrorPath` and `Cause`/`CausePath` are exclusive pairs. */
import type { StateValidator } from "../context.js";
import { checkPathField } from "../expressions.js";
import { checkExclusive, checkKind } from "../fields.js";
import { pointer } from "../pointer.js";

export const failValidator: StateValidator = {
  fields: ["Error", "ErrorPath", "Cause", "CausePath"],
  transitions: false,
  validate({ ctx, state, location }) {
    checkExclusive(ctx, state, "Error", "ErrorPath", location);
    checkExclusive(ctx, state, "Cause", "CausePath", location);
    checkKind(ctx, state.Error, "STRING", pointer(location, "Error"));
    checkKind(ctx, state.Cause, "STRING", pointer(location, "Cause"));
    checkPathField(ctx, state, "ErrorPath", location, { intrinsic: true });
    checkPathField(ctx, state, "CausePath", location, { intrinsic: true });
  },
};
