/**
 * An action step (aws:runCommand, aws:executeScript, ...): one Task state named after the
 * step, its result (the step's outputs) at `$.steps.<name>`. `maxAttempts` becomes a Retry on
 * every error, 1 s apart without back-off: AWS documents no delay between attempts and 1 s is
 * the least ASL allows. `timeoutSeconds` is the Task's (per attempt, as in AWS). aws:pause and
 * aws:approve wait for their task token (the runtime answers on Resume / a decision).
 */
import type { Retrier, TaskState } from "../../../../asl/definition.js";
import type { AutomationStep } from "../../types.js";
import { failureCatch } from "./failure.js";
import { successorOf } from "./flow.js";
import { stepPath } from "./names.js";
import { taskParameters } from "./parameters.js";
import { actionResource, waitingResource } from "./resources.js";
import type { StepCompilation } from "./types.js";

/** ASL's largest count of seconds or attempts. */
export const MAX_ASL_NUMBER = 99999999;

const WAITING = new Set(["aws:pause", "aws:approve"]);

/** Compiles an action step into its Task state. */
export function compileAction({ scope, index, sink, states }: StepCompilation): void {
  const step = scope.steps[index];
  states.push(step.name);
  const task: TaskState = {
    Type: "Task",
    Resource: WAITING.has(step.action) ? waitingResource(step.action) : actionResource(step.action),
    Parameters: taskParameters(step, step.inputs, scope.pointers[index]),
    ResultPath: stepPath(step.name),
    ...attemptFields(step),
    Next: successorOf(scope, index),
  };
  sink.add(step.name, task);
  task.Catch = failureCatch(scope, index, sink, states);
}

/** Retry and TimeoutSeconds from `maxAttempts` and `timeoutSeconds`. */
export function attemptFields(step: AutomationStep): {
  Retry?: Retrier[];
  TimeoutSeconds?: number;
} {
  const fields: { Retry?: Retrier[]; TimeoutSeconds?: number } = {};
  if (step.maxAttempts !== undefined && step.maxAttempts > 1)
    fields.Retry = [
      {
        ErrorEquals: ["States.ALL"],
        MaxAttempts: Math.min(step.maxAttempts - 1, MAX_ASL_NUMBER),
        IntervalSeconds: 1,
        BackoffRate: 1,
      },
    ];
  if (step.timeoutSeconds !== undefined)
    fields.TimeoutSeconds = Math.min(step.timeoutSeconds, MAX_ASL_NUMBER);
  return fields;
}
