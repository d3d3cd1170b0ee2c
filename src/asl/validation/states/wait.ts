/** Wait: exactly one of Seconds, SecondsPath, Timestamp, TimestampPath. */
import type { StateValidator } from "../context.js";
import { checkPathField, isJsonataExpression } from "../expressions.js";
import { checkInteger } from "../fields.js";
import { pointer } from "../pointer.js";
import { isRfc3339 } from "../timestamp.js";

const WAIT_FIELDS = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];

export const waitValidator: StateValidator = {
  fields: ["Next", "End", "InputPath", "OutputPath", "Output", "Assign", ...WAIT_FIELDS],
  transitions: true,
  validate({ ctx, state, location, language }) {
    const present = WAIT_FIELDS.filter((f) => Object.hasOwn(state, f));
    if (present.length !== 1) {
      ctx.schema(
        location,
        `A Wait state must have exactly one of the fields [${WAIT_FIELDS.join(", ")}]`,
      );
    }
    const jsonata = language === "JSONata";
    checkInteger(ctx, state, "Seconds", location, { min: 0, max: 99999999, jsonata });
    const timestamp = state.Timestamp;
    if (timestamp !== undefined && !(jsonata && isJsonataExpression(timestamp))) {
      if (typeof timestamp !== "string" || !isRfc3339(timestamp)) {
        // AWS's exact wording.
        ctx.schema(pointer(location, "Timestamp"), "String does not match RFC3339 timestamp");
      }
    }
    checkPathField(ctx, state, "SecondsPath", location);
    checkPathField(ctx, state, "TimestampPath", location);
  },
};
