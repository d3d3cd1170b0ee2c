/** Pass: passes its input (or `Result`/`Parameters`/`Output`) to its output. */
import type { StateValidator } from "../context.js";
import { checkPathField, checkPayloadTemplate } from "../expressions.js";
import { pointer } from "../pointer.js";

export const passValidator: StateValidator = {
  fields: [
    "Next",
    "End",
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultPath",
    "Result",
    "Output",
    "Assign",
  ],
  transitions: true,
  validate({ ctx, state, location, language }) {
    if (language !== "JSONPath") return;
    checkPathField(ctx, state, "ResultPath", location, { nullable: true });
    checkPayloadTemplate(ctx, state.Parameters, pointer(location, "Parameters"));
  },
};
