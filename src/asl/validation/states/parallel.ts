/** Parallel: runs every branch (a machine body) on the same input. */
import type { StateValidator } from "../context.js";
import { checkPathField, checkPayloadTemplate } from "../expressions.js";
import { checkKind, checkRequired } from "../fields.js";
import { pointer } from "../pointer.js";
import { checkRetryAndCatch } from "../retry-catch.js";

/** Fields of a Parallel branch. */
const BRANCH_FIELDS = ["StartAt", "States", "Comment"];

export const parallelValidator: StateValidator = {
  fields: [
    "Next",
    "End",
    "Branches",
    "InputPath",
    "OutputPath",
    "Parameters",
    "Arguments",
    "ResultPath",
    "ResultSelector",
    "Output",
    "Assign",
    "Retry",
    "Catch",
  ],
  transitions: true,
  validate(scope) {
    const { ctx, state, location, language } = scope;
    if (language === "JSONPath") {
      checkPathField(ctx, state, "ResultPath", location, { nullable: true });
      checkPayloadTemplate(ctx, state.Parameters, pointer(location, "Parameters"));
      checkPayloadTemplate(ctx, state.ResultSelector, pointer(location, "ResultSelector"));
    }
    checkRetryAndCatch(scope);
    if (!checkRequired(ctx, state, ["Branches"], location)) return;
    const at = pointer(location, "Branches");
    if (!checkKind(ctx, state.Branches, "ARRAY", at)) return;
    const branches = state.Branches as unknown[];
    if (branches.length === 0)
      ctx.schema(at, "The field 'Branches' must contain at least one branch");
    branches.forEach((branch, i) => {
      scope.validateSubMachine(branch, pointer(at, i), BRANCH_FIELDS);
    });
  },
};
