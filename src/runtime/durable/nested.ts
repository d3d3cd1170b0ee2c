/**
 * `arn:aws:states:::states:startExecution` and its `.sync`, `.sync:2` and `.waitForTaskToken`
 * forms: the parameters a Task passes, and the results Step Functions returns.
 */
import { isJsonObject, type Json, type JsonObject } from "../../asl/json.js";
import type { ExecutionRecord } from "../../store/workflows-port.js";
import { TaskFailure } from "../task-dispatcher.js";

/** What a nested StartExecution asks for. */
export interface NestedStart {
  stateMachineArn: string;
  input: Json;
  name?: string;
}

/** Reads the Task's parameters; a bad shape fails the task as AWS's SDK validation would. */
export function nestedStartOf(parameters: Json): NestedStart {
  if (!isJsonObject(parameters) || typeof parameters.StateMachineArn !== "string") {
    throw new TaskFailure(
      "States.Runtime",
      "StartExecution needs the parameter StateMachineArn (a string).",
    );
  }
  let input: Json = parameters.Input ?? {};
  if (typeof input === "string") {
    try {
      input = JSON.parse(input) as Json;
    } catch {
      throw new TaskFailure(
        "StepFunctions.InvalidExecutionInputException",
        "Input is not valid JSON.",
      );
    }
  }
  const start: NestedStart = { stateMachineArn: parameters.StateMachineArn, input };
  if (typeof parameters.Name === "string") start.name = parameters.Name;
  return start;
}

/** The immediate result of `startExecution` (no `.sync`). */
export function startResult(execution: ExecutionRecord): JsonObject {
  return { ExecutionArn: execution.arn, StartDate: new Date(execution.startedAt).toISOString() };
}

/**
 * The result of `.sync` (Input/Output as JSON text) or `.sync:2` (parsed JSON), shaped like
 * DescribeExecution; a child that did not succeed fails the task with `States.TaskFailed`.
 */
export function syncOutcome(
  child: ExecutionRecord,
  parsed: boolean,
): { output: string } | { error: string; cause?: string } {
  const description: JsonObject = {
    ExecutionArn: child.arn,
    StateMachineArn: child.stateMachineArn,
    Name: child.name,
    Status: child.status,
    StartDate: new Date(child.startedAt).toISOString(),
    StopDate: child.stoppedAt === undefined ? null : new Date(child.stoppedAt).toISOString(),
    Input: parsed ? (JSON.parse(child.input) as Json) : child.input,
    Output:
      child.output === undefined
        ? null
        : parsed
          ? (JSON.parse(child.output) as Json)
          : child.output,
  };
  if (child.status === "SUCCEEDED") return { output: JSON.stringify(description) };
  return {
    error: "States.TaskFailed",
    cause: JSON.stringify({
      ...description,
      Error: child.error ?? null,
      Cause: child.cause ?? null,
    }),
  };
}
