/**
 * History events in the Step Functions wire shape: each type's details under its own key
 * (`stateEnteredEventDetails`, `taskScheduledEventDetails`, ...) with JSON payloads as text.
 */
import type { Json } from "../../../asl/json.js";
import type { HistoryEventRecord } from "../../../store/workflows-port.js";
import { toAwsTimestamp } from "../timestamp.js";

type Details = Record<string, Json>;

const text = (value: Json | undefined) =>
  typeof value === "string" ? value : JSON.stringify(value ?? null);

/** Event type → the details key and how to shape the details. */
function detailsOf(type: string, details: Details): [string, Record<string, unknown>] | undefined {
  const payload = (key: string, value: Json | undefined) => ({
    [key]: text(value),
    [`${key}Details`]: { truncated: false },
  });
  if (/^(Pass|Task|Choice|Wait|Succeed|Fail|Parallel|Map)StateEntered$/.test(type)) {
    return ["stateEnteredEventDetails", { name: details.name, ...payload("input", details.input) }];
  }
  if (/^(Pass|Task|Choice|Wait|Succeed|Parallel|Map)StateExited$/.test(type)) {
    const exited: Record<string, unknown> = {
      name: details.name,
      ...payload("output", details.output),
    };
    if (details.assignedVariables !== undefined) {
      exited.assignedVariables = Object.fromEntries(
        Object.entries(details.assignedVariables as Details).map(([k, v]) => [
          k,
          JSON.stringify(v),
        ]),
      );
    }
    return ["stateExitedEventDetails", exited];
  }
  switch (type) {
    case "ExecutionStarted":
      return [
        "executionStartedEventDetails",
        {
          ...payload("input", details.input),
          roleArn: details.roleArn,
          stateMachineArn: details.stateMachineArn,
        },
      ];
    case "ExecutionSucceeded":
      return ["executionSucceededEventDetails", payload("output", details.output)];
    case "ExecutionFailed":
      return ["executionFailedEventDetails", { error: details.error, cause: details.cause }];
    case "ExecutionAborted":
      return ["executionAbortedEventDetails", { error: details.error, cause: details.cause }];
    case "ExecutionTimedOut":
      return ["executionTimedOutEventDetails", { error: details.error, cause: details.cause }];
    case "ExecutionRedriven":
      return ["executionRedrivenEventDetails", { redriveCount: details.redriveCount }];
    case "TaskScheduled":
      return [
        "taskScheduledEventDetails",
        {
          resourceType: details.resourceType,
          resource: details.resource,
          region: "",
          parameters: details.parameters,
          timeoutInSeconds: details.timeoutInSeconds,
          heartbeatInSeconds: details.heartbeatInSeconds,
        },
      ];
    case "TaskStarted":
      return ["taskStartedEventDetails", { resource: details.resource }];
    case "TaskSucceeded":
      return [
        "taskSucceededEventDetails",
        { resource: details.resource, ...payload("output", details.output) },
      ];
    case "TaskFailed":
    case "TaskTimedOut":
      return [
        type === "TaskFailed" ? "taskFailedEventDetails" : "taskTimedOutEventDetails",
        { resource: details.resource, error: details.error, cause: details.cause },
      ];
    case "ActivityScheduled":
      return [
        "activityScheduledEventDetails",
        {
          resource: details.resource,
          ...payload("input", details.input),
          timeoutInSeconds: details.timeoutInSeconds,
          heartbeatInSeconds: details.heartbeatInSeconds,
        },
      ];
    case "ActivityStarted":
      return ["activityStartedEventDetails", { workerName: details.workerName }];
    case "ActivitySucceeded":
      return ["activitySucceededEventDetails", payload("output", details.output)];
    case "ActivityFailed":
      return ["activityFailedEventDetails", { error: details.error, cause: details.cause }];
    case "ActivityTimedOut":
      return ["activityTimedOutEventDetails", { error: details.error, cause: details.cause }];
    case "LambdaFunctionScheduled":
      return [
        "lambdaFunctionScheduledEventDetails",
        {
          resource: details.resource,
          ...payload("input", details.input),
          timeoutInSeconds: details.timeoutInSeconds,
        },
      ];
    case "LambdaFunctionSucceeded":
      return ["lambdaFunctionSucceededEventDetails", payload("output", details.output)];
    case "LambdaFunctionFailed":
      return ["lambdaFunctionFailedEventDetails", { error: details.error, cause: details.cause }];
    case "LambdaFunctionTimedOut":
      return ["lambdaFunctionTimedOutEventDetails", { error: details.error, cause: details.cause }];
    case "MapStateStarted":
      return ["mapStateStartedEventDetails", { length: details.length }];
    case "MapIterationStarted":
    case "MapIterationSucceeded":
    case "MapIterationFailed":
    case "MapIterationAborted":
      return [
        `${type[0].toLowerCase()}${type.slice(1)}EventDetails`,
        { name: details.name, index: details.index },
      ];
    case "EvaluationFailed":
      return [
        "evaluationFailedEventDetails",
        { error: details.error, cause: details.cause, state: details.state },
      ];
    default:
      return undefined;
  }
}

/** One stored event as GetExecutionHistory returns it. */
export function wireEvent(event: HistoryEventRecord): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    timestamp: toAwsTimestamp(new Date(event.timestamp)),
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
  };
  const shaped = detailsOf(event.type, (event.details ?? {}) as Details);
  if (shaped) wire[shaped[0]] = dropUndefined(shaped[1]);
  return wire;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
