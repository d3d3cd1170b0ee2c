/** Shape checks of `Retry` and `Catch` (targets of `Catch[].Next` are checked with transitions). */
import type { JsonObject } from "../json.js";
import type { StateScope } from "./context.js";
import { checkJsonataTemplate, checkPathField, checkPayloadTemplate } from "./expressions.js";
import {
  checkInteger,
  checkKind,
  checkNumber,
  checkRequired,
  checkUnknownFields,
  isKind,
} from "./fields.js";
import { pointer } from "./pointer.js";

const RETRIER_FIELDS = [
  "ErrorEquals",
  "IntervalSeconds",
  "MaxAttempts",
  "BackoffRate",
  "MaxDelaySeconds",
  "JitterStrategy",
  "Comment",
];
const CATCHER_FIELDS_PATH = ["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"];
const CATCHER_FIELDS_JSONATA = ["ErrorEquals", "Next", "Output", "Assign", "Comment"];
const MAX_SECONDS = 99999999;

/** Checks the optional Retry and Catch arrays of a Task, Parallel or Map state. */
export function checkRetryAndCatch(scope: StateScope): void {
  checkList(scope, "Retry", checkRetrier);
  checkList(scope, "Catch", checkCatcher);
}

function checkList(
  scope: StateScope,
  field: "Retry" | "Catch",
  check: (scope: StateScope, item: JsonObject, at: string) => void,
): void {
  const list = scope.state[field];
  const at = pointer(scope.location, field);
  if (list === undefined || !checkKind(scope.ctx, list, "ARRAY", at)) return;
  (list as unknown[]).forEach((item, i) => {
    const itemAt = pointer(at, i);
    if (!checkKind(scope.ctx, item, "OBJECT", itemAt)) return;
    checkErrorEquals(scope, item as JsonObject, itemAt, i === (list as unknown[]).length - 1);
    check(scope, item as JsonObject, itemAt);
  });
}

/** ErrorEquals: a non-empty list of names; `States.ALL` must be alone and in the last entry. */
function checkErrorEquals(scope: StateScope, item: JsonObject, at: string, last: boolean): void {
  const { ctx } = scope;
  if (!checkRequired(ctx, item, ["ErrorEquals"], at)) return;
  const names = item.ErrorEquals;
  const namesAt = pointer(at, "ErrorEquals");
  if (!Array.isArray(names) || names.length === 0) {
    ctx.schema(namesAt, "The field 'ErrorEquals' must be a non-empty array of strings");
    return;
  }
  names.forEach((name, i) => {
    checkKind(ctx, name, "STRING", pointer(namesAt, i));
  });
  if (names.includes("States.ALL") && (names.length > 1 || !last)) {
    ctx.schema(
      namesAt,
      "'States.ALL' must appear alone in ErrorEquals, in the last retrier or catcher",
    );
  }
}

function checkRetrier(scope: StateScope, retrier: JsonObject, at: string): void {
  const { ctx } = scope;
  checkUnknownFields(ctx, retrier, RETRIER_FIELDS, at);
  checkKind(ctx, retrier.Comment, "STRING", pointer(at, "Comment"));
  checkInteger(ctx, retrier, "IntervalSeconds", at, { min: 1, max: MAX_SECONDS });
  checkInteger(ctx, retrier, "MaxAttempts", at, { min: 0, max: MAX_SECONDS });
  checkInteger(ctx, retrier, "MaxDelaySeconds", at, { min: 1, max: MAX_SECONDS });
  checkNumber(ctx, retrier, "BackoffRate", at, { min: 1 });
  const jitter = retrier.JitterStrategy;
  if (jitter !== undefined && jitter !== "FULL" && jitter !== "NONE") {
    ctx.schema(pointer(at, "JitterStrategy"), "Value should be one of the following: [FULL, NONE]");
  }
}

function checkCatcher(scope: StateScope, catcher: JsonObject, at: string): void {
  const { ctx } = scope;
  const jsonata = scope.language === "JSONata";
  checkUnknownFields(ctx, catcher, jsonata ? CATCHER_FIELDS_JSONATA : CATCHER_FIELDS_PATH, at);
  checkKind(ctx, catcher.Comment, "STRING", pointer(at, "Comment"));
  if (checkRequired(ctx, catcher, ["Next"], at))
    checkKind(ctx, catcher.Next, "STRING", pointer(at, "Next"));
  if (jsonata) {
    checkJsonataTemplate(ctx, catcher.Output, pointer(at, "Output"));
    checkJsonataTemplate(ctx, catcher.Assign, pointer(at, "Assign"));
  } else {
    checkPathField(ctx, catcher, "ResultPath", at, { nullable: true });
    checkPayloadTemplate(ctx, catcher.Assign, pointer(at, "Assign"));
  }
  if (catcher.Assign !== undefined && !isKind(catcher.Assign, "OBJECT")) {
    ctx.schema(pointer(at, "Assign"), "Expected value of type [OBJECT]");
  }
}
