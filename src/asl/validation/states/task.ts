/** Task: calls a Resource (function, activity or service integration). */
import type { JsonObject } from "../../json.js";
import type { StateScope, StateValidator } from "../context.js";
import { checkPathField, checkPayloadTemplate, isJsonataExpression } from "../expressions.js";
import { checkExclusive, checkInteger, checkKind, isKind } from "../fields.js";
import { pointer } from "../pointer.js";
import { checkResource } from "../resource.js";
import { checkRetryAndCatch } from "../retry-catch.js";

const MAX_SECONDS = 99999999;

export const taskValidator: StateValidator = {
  fields: [
    "Next",
    "End",
    "InputPath",
    "OutputPath",
    "Parameters",
    "Arguments",
    "ResultPath",
    "ResultSelector",
    "Output",
    "Assign",
    "Resource",
    "Retry",
    "Catch",
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "HeartbeatSeconds",
    "HeartbeatSecondsPath",
    "Credentials",
  ],
  transitions: true,
  validate(scope) {
    const { ctx, state, location, language } = scope;
    const resourceAt = pointer(location, "Resource");
    if (!Object.hasOwn(state, "Resource"))
      ctx.schema(location, "These fields are required: [Resource]");
    else if (checkKind(ctx, state.Resource, "STRING", resourceAt)) {
      checkResource(ctx, state.Resource as string, resourceAt);
    }
    const jsonata = language === "JSONata";
    if (!jsonata) {
      checkPathField(ctx, state, "ResultPath", location, { nullable: true });
      checkPayloadTemplate(ctx, state.Parameters, pointer(location, "Parameters"));
      checkPayloadTemplate(ctx, state.ResultSelector, pointer(location, "ResultSelector"));
      checkPathField(ctx, state, "TimeoutSecondsPath", location);
      checkPathField(ctx, state, "HeartbeatSecondsPath", location);
    } else if (state.Arguments !== undefined) {
      if (!isKind(state.Arguments, "OBJECT") && !isJsonataExpression(state.Arguments)) {
        ctx.schema(
          pointer(location, "Arguments"),
          "The field 'Arguments' must be an object or a JSONata expression",
        );
      }
    }
    checkTimeouts(scope);
    checkCredentials(scope);
    checkRetryAndCatch(scope);
  },
};

/** TimeoutSeconds/HeartbeatSeconds: positive integers, exclusive with their *Path, heartbeat < timeout. */
function checkTimeouts({ ctx, state, location, language }: StateScope): void {
  const jsonata = language === "JSONata";
  checkInteger(ctx, state, "TimeoutSeconds", location, { min: 1, max: MAX_SECONDS, jsonata });
  checkInteger(ctx, state, "HeartbeatSeconds", location, { min: 1, max: MAX_SECONDS, jsonata });
  checkExclusive(ctx, state, "TimeoutSeconds", "TimeoutSecondsPath", location);
  checkExclusive(ctx, state, "HeartbeatSeconds", "HeartbeatSecondsPath", location);
  const timeout = state.TimeoutSeconds;
  const heartbeat = state.HeartbeatSeconds;
  if (typeof timeout === "number" && typeof heartbeat === "number" && heartbeat >= timeout) {
    ctx.schema(
      pointer(location, "HeartbeatSeconds"),
      "The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'",
    );
  }
}

/** Credentials: an object naming the role to assume, `RoleArn` (or `RoleArn.$` in JSONPath). */
function checkCredentials({ ctx, state, location, language }: StateScope): void {
  if (state.Credentials === undefined) return;
  const at = pointer(location, "Credentials");
  if (!checkKind(ctx, state.Credentials, "OBJECT", at)) return;
  const credentials = state.Credentials as JsonObject;
  const fields = language === "JSONPath" ? ["RoleArn", "RoleArn.$"] : ["RoleArn"];
  const present = fields.filter((f) => Object.hasOwn(credentials, f));
  if (present.length === 0) ctx.schema(at, "The field 'RoleArn' is required but was missing");
  if (present.length > 1)
    ctx.schema(at, "The fields 'RoleArn' and 'RoleArn.$' are mutually exclusive");
  // AWS ignores other fields of Credentials (a recorded case reports only the missing RoleArn).
  for (const field of present) checkKind(ctx, credentials[field], "STRING", pointer(at, field));
  if (language === "JSONPath") checkPayloadTemplate(ctx, credentials, at);
}
