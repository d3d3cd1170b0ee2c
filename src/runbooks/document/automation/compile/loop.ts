/**
 * aws:loop: a Pass named after the step clears the loop's record (`$.steps.<name>`) on entry;
 * a Task (`<name>.next`, `automation.loopNext`) decides the next iteration from the previous
 * one (Iterators or LoopCondition, MaxIterations) and records `{CurrentIteration,
 * CurrentIteratorValue, Continue}` there, where body steps' `{{ <name>.CurrentIteration }}`
 * read it; a Choice (`<name>.continue`) enters the body or leaves the loop. The body's steps
 * are states of the same machine (step names are unique across the document), and every
 * ending of the body (its last step, an `isEnd`) goes back to `<name>.next`.
 */
import type { TaskState } from "../../../../asl/definition.js";
import { pointer } from "../../pointer.js";
import { failureCatch } from "./failure.js";
import { successorOf } from "./flow.js";
import { stateName, stepPath } from "./names.js";
import { taskParameters } from "./parameters.js";
import { LOOP_NEXT_RESOURCE } from "./resources.js";
import type { StepCompilation } from "./types.js";

/** Compiles an aws:loop step into its entry, decision and back edge, then its body. */
export function compileLoop({ scope, index, sink, states, body }: StepCompilation): void {
  const step = scope.steps[index];
  const at = scope.pointers[index];
  const next = stateName(step.name, at, "next");
  const decide = stateName(step.name, at, "continue");
  states.push(step.name, next, decide);
  sink.add(step.name, { Type: "Pass", Result: {}, ResultPath: stepPath(step.name), Next: next });
  const { Steps: _body, ...inputs } = step.inputs;
  const task: TaskState = {
    Type: "Task",
    Resource: LOOP_NEXT_RESOURCE,
    Parameters: taskParameters(step, inputs, at),
    ResultPath: stepPath(step.name),
    Next: decide,
  };
  sink.add(next, task);
  // Validation guarantees a non-empty body; an empty one would just ask again.
  const first = step.steps?.[0]?.name ?? next;
  sink.add(decide, {
    Type: "Choice",
    Choices: [{ Variable: stepPath(step.name, "Continue"), BooleanEquals: true, Next: first }],
    Default: successorOf(scope, index),
  });
  task.Catch = failureCatch(scope, index, sink, states);
  body(step, pointer(at, "inputs", "Steps"), next);
}
