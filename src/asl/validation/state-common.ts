/**
 * Checks every state gets before its type's own validator runs: allowed fields, the query
 * language rules, Next/End, and the input/output fields shared by most types.
 */
import type { QueryLanguage } from "../definition.js";
import type { StateScope, StateValidator } from "./context.js";
import { checkJsonataTemplate, checkPathField, checkPayloadTemplate } from "./expressions.js";
import {
  checkKind,
  checkUnknownFields,
  JSONATA_ONLY_FIELDS,
  JSONPATH_ONLY_FIELDS,
} from "./fields.js";
import { pointer } from "./pointer.js";

/** Fields every state type accepts. */
const COMMON_FIELDS = ["Type", "Comment", "QueryLanguage"];

/** Fields whose strings are never JSONata expressions (or are checked elsewhere). */
const NOT_EXPRESSIONS = new Set([
  "Type",
  "Comment",
  "QueryLanguage",
  "Next",
  "End",
  "Default",
  "Resource",
  "Retry",
  "Catch",
  "Credentials",
  "Choices",
  "Branches",
  "Iterator",
  "ItemProcessor",
]);

/** Runs the shared checks; `downgraded` marks a JSONPath state in a JSONata machine. */
export function checkCommonFields(
  scope: StateScope,
  validator: StateValidator,
  downgraded: boolean,
): void {
  const { ctx, state, location } = scope;
  checkUnknownFields(ctx, state, [...COMMON_FIELDS, ...validator.fields], location);
  checkKind(ctx, state.Comment, "STRING", pointer(location, "Comment"));
  // AWS reports the downgrade alone: the fields the refused language forbids are not named.
  if (!downgraded) checkLanguageFields(scope, validator);
  if (validator.transitions) checkNextOrEnd(scope);
  if (scope.language === "JSONPath") {
    checkPathField(ctx, state, "InputPath", location, { nullable: true });
    checkPathField(ctx, state, "OutputPath", location, { nullable: true });
    checkPayloadTemplate(ctx, state.Assign, pointer(location, "Assign"));
  } else {
    // Every other field may hold `{% %}` expressions; these hold names, ARNs or nested states.
    for (const [field, value] of Object.entries(state)) {
      if (!NOT_EXPRESSIONS.has(field)) checkJsonataTemplate(ctx, value, pointer(location, field));
    }
  }
  if (state.Assign !== undefined)
    checkKind(ctx, state.Assign, "OBJECT", pointer(location, "Assign"));
}

/** Reports fields of the other query language (only for fields the type itself accepts). */
function checkLanguageFields(scope: StateScope, validator: StateValidator): void {
  const jsonata = scope.language === "JSONata";
  const forbidden = jsonata ? JSONPATH_ONLY_FIELDS : JSONATA_ONLY_FIELDS;
  const other: QueryLanguage = jsonata ? "JSONPath" : "JSONata";
  for (const field of Object.keys(scope.state)) {
    if (forbidden.includes(field) && validator.fields.includes(field)) {
      scope.ctx.schema(
        scope.location,
        `The QueryLanguage is set to '${scope.language}', but field '${field}' is only supported for the '${other}' QueryLanguage`,
      );
    }
  }
}

/** Exactly one of `Next` (a state name) and `End: true`. */
function checkNextOrEnd(scope: StateScope): void {
  const { ctx, state, location } = scope;
  const hasNext = Object.hasOwn(state, "Next");
  const hasEnd = Object.hasOwn(state, "End");
  if (hasNext) checkKind(ctx, state.Next, "STRING", pointer(location, "Next"));
  if (hasEnd && !checkKind(ctx, state.End, "BOOLEAN", pointer(location, "End"))) return;
  if (hasNext && hasEnd) {
    ctx.schema(
      location,
      "The fields 'Next' and 'End' are mutually exclusive; a state has exactly one of them",
    );
  } else if (!hasNext && state.End !== true) {
    ctx.schema(location, "A state must have either 'Next' or 'End': true");
  }
}
