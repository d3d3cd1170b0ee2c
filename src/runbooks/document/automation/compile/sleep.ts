/**
 * aws:sleep: a literal Duration becomes a Wait of that many whole seconds (rounded up), a
 * literal Timestamp a Wait until it. A `{{ }}` reference cannot be read before the step runs,
 * so it becomes a Task (`automation.sleep`, named after the step) that resolves it to
 * `{Seconds}` or `{Timestamp}`, followed by a Wait (`<name>.wait`) on that value: the wait
 * itself stays a durable timer of the runtime.
 */
import type { TaskState, WaitState } from "../../../../asl/definition.js";
import { durationSeconds } from "../duration.js";
import { MAX_ASL_NUMBER } from "./action.js";
import { failureCatch } from "./failure.js";
import { successorOf } from "./flow.js";
import { stateName, stepPath } from "./names.js";
import { taskParameters } from "./parameters.js";
import { SLEEP_RESOURCE } from "./resources.js";
import type { StepCompilation } from "./types.js";

/** Compiles an aws:sleep step into a Wait (and, for a reference, the Task resolving it). */
export function compileSleep({ scope, index, sink, states }: StepCompilation): void {
  const step = scope.steps[index];
  const at = scope.pointers[index];
  const next = successorOf(scope, index);
  const { Duration: duration, Timestamp: timestamp } = step.inputs;
  const literal = typeof duration === "string" ? duration : timestamp;
  if (typeof literal === "string" && !literal.includes("{{")) {
    states.push(step.name);
    const seconds = typeof duration === "string" ? durationSeconds(duration) : undefined;
    const wait: WaitState =
      seconds !== undefined
        ? { Type: "Wait", Seconds: Math.min(Math.ceil(seconds), MAX_ASL_NUMBER), Next: next }
        : { Type: "Wait", Timestamp: literal, Next: next };
    sink.add(step.name, wait);
    return;
  }
  const wait = stateName(step.name, at, "wait");
  states.push(step.name, wait);
  const task: TaskState = {
    Type: "Task",
    Resource: SLEEP_RESOURCE,
    Parameters: taskParameters(step, step.inputs, at),
    ResultPath: stepPath(step.name),
    Next: wait,
  };
  sink.add(step.name, task);
  sink.add(
    wait,
    typeof duration === "string"
      ? { Type: "Wait", SecondsPath: stepPath(step.name, "Seconds"), Next: next }
      : { Type: "Wait", TimestampPath: stepPath(step.name, "Timestamp"), Next: next },
  );
  task.Catch = failureCatch(scope, index, sink, states);
}
