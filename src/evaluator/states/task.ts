import type { QueryLanguage, TaskState } from "../../asl/definition.js";
import { StatesErrorName } from "../../asl/errors.js";
import type { Json, JsonObject } from "../../asl/json.js";
import { compileReferencePath } from "../../asl/reference-path.js";
import { compileArguments, compileJsonataValue } from "../expressions.js";
import { compileErrorHandling, handleFailure } from "../failure.js";
import type { HistoryEventType } from "../history.js";
import { checkPayloadSize, compileIO, effectiveInput, finishState } from "../io.js";
import type { CompileContext, CompiledState, StateOutcome } from "../machine.js";
import type { StateRun } from "../run.js";

type Seconds = (run: StateRun, input: Json) => number | undefined | Promise<number | undefined>;

/** The prefix of a task's history events: Lambda functions and activities have their own event types. */
export function taskEventPrefix(resource: string): TaskEventPrefix {
  if (resource.startsWith("arn:aws:lambda:")) return "LambdaFunction";
  return /^arn:aws[\w-]*:states:[^:]*:[^:]*:activity:/.test(resource) ? "Activity" : "Task";
}

/** Which family of history events a task's resource produces. */
export type TaskEventPrefix = "LambdaFunction" | "Activity" | "Task";

/**
 * Task: asks the runner to invoke its resource with the effective parameters, then processes
 * the result, or retries / catches the failure.
 */
export function compileTask(
  name: string,
  definition: TaskState,
  context: CompileContext,
): CompiledState {
  const { language } = context;
  const io = compileIO(definition, language);
  const handling = compileErrorHandling(definition.Retry, definition.Catch, language);
  const resource = definition.Resource;
  const prefix = taskEventPrefix(resource);
  const parameters = compileArguments(definition, language);
  const timeout = compileSeconds(
    definition.TimeoutSeconds,
    definition.TimeoutSecondsPath,
    "TimeoutSeconds",
    language,
  );
  const heartbeat = compileSeconds(
    definition.HeartbeatSeconds,
    definition.HeartbeatSecondsPath,
    "HeartbeatSeconds",
    language,
  );
  const credentials = definition.Credentials;

  async function invoke(run: StateRun): Promise<StateOutcome> {
    const input = effectiveInput(io, run);
    const states = { input: run.frame.input };
    const effective = parameters ? await parameters(run, input, states) : input;
    const timeoutSeconds = await timeout(run, input);
    const heartbeatSeconds = await heartbeat(run, input);
    const details: JsonObject =
      prefix !== "Task"
        ? { resource, input: JSON.stringify(effective) }
        : { resource, resourceType: resourceType(resource), parameters: JSON.stringify(effective) };
    if (timeoutSeconds !== undefined) details.timeoutInSeconds = timeoutSeconds;
    if (heartbeatSeconds !== undefined) details.heartbeatInSeconds = heartbeatSeconds;
    const scheduledEventId = run.step.history.record(`${prefix}Scheduled`, details);
    return {
      kind: "invoke",
      state: name,
      resource,
      parameters: effective,
      timeoutSeconds,
      heartbeatSeconds,
      credentials,
      scheduledEventId,
    };
  }

  return {
    name,
    type: "Task",
    language,
    retriable: (definition.Retry?.length ?? 0) > 0,
    enter: invoke,
    async resume(run, resumption) {
      switch (resumption.kind) {
        case "retry-due":
          return invoke(run);
        case "task-succeeded":
          run.step.history.record(`${prefix}Succeeded` as HistoryEventType, {
            resource,
            output: JSON.stringify(resumption.output),
          });
          checkPayloadSize(run, resumption.output);
          return finishState(io, run, resumption.output, "result");
        case "task-failed": {
          const timedOut =
            resumption.error === StatesErrorName.Timeout ||
            resumption.error === StatesErrorName.HeartbeatTimeout;
          const details: JsonObject = { resource, error: resumption.error };
          if (resumption.cause !== undefined) details.cause = resumption.cause;
          run.step.history.record(`${prefix}${timedOut ? "TimedOut" : "Failed"}`, details);
          return handleFailure(handling, run, resumption.error, resumption.cause);
        }
        default:
          throw new Error(`a Task state cannot resume from ${resumption.kind}`);
      }
    },
  };
}

/** `arn:aws:states:::lambda:invoke.waitForTaskToken` → `lambda`. */
function resourceType(resource: string): string {
  const service = resource.split(":")[5] ?? "";
  return service || resource;
}

function compileSeconds(
  literal: number | string | undefined,
  path: string | undefined,
  field: "TimeoutSeconds" | "HeartbeatSeconds",
  language: QueryLanguage,
): Seconds {
  if (typeof literal === "number") return () => literal;
  if (typeof literal === "string") {
    const value = compileJsonataValue(literal, field);
    return async (run, input) =>
      positiveInteger(await value(run, input, { input: run.frame.input }), run, field);
  }
  if (path === undefined || language === "JSONata") return () => undefined;
  const reference = compileReferencePath(path);
  return (run, input) => {
    let value: Json | undefined;
    try {
      value = reference.evaluate(run.scope(input));
    } catch (error) {
      return run.locate(error);
    }
    return positiveInteger(value ?? null, run, `${field}Path`);
  };
}

function positiveInteger(value: Json, run: StateRun, field: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  throw run.evaluationError(
    StatesErrorName.Runtime,
    `The value of the field '${field}' must be a positive integer, but was: ${JSON.stringify(value)}`,
  );
}
