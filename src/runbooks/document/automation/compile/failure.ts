/**
 * A step's `onFailure` and `isCritical` as Catch rules: `Abort` ends the automation in a Fail
 * state of the step's own; `Continue` goes on to the step's successor; `step:X` jumps to X.
 * The failure is kept at `$.steps.<name>.failure` either way. When the flow goes on after a
 * critical step failed, a Pass records it at `$.criticalFailed` first, so the automation's
 * end can still finish Failed, as AWS does.
 */
import type { Catcher } from "../../../../asl/definition.js";
import type { AutomationStep } from "../../types.js";
import { successorOf } from "./flow.js";
import { CRITICAL_FAILED_PATH, STEP_FAILED_ERROR, stateName, stepPath } from "./names.js";
import type { StateSink, StepScope } from "./types.js";

/** The onFailure that applies: the step's own, else its loop's (body steps inherit it). */
export function effectiveOnFailure(step: AutomationStep, scope: StepScope): string {
  return step.onFailure ?? scope.loop?.onFailure ?? "Abort";
}

/** `isCritical` after its default: true, but false when the step continues on failure. */
export function isCritical(step: AutomationStep, scope: StepScope): boolean {
  return step.isCritical ?? effectiveOnFailure(step, scope) !== "Continue";
}

/** True when a failure of the step lets the flow go on yet must fail the automation. */
export function continuesCritically(step: AutomationStep, scope: StepScope): boolean {
  return effectiveOnFailure(step, scope) !== "Abort" && isCritical(step, scope);
}

/** The Catch of the step's Task states; adds the Fail or Pass state it leads to. */
export function failureCatch(
  scope: StepScope,
  index: number,
  sink: StateSink,
  states: string[],
): Catcher[] {
  const step = scope.steps[index];
  const at = scope.pointers[index];
  const onFailure = effectiveOnFailure(step, scope);
  const catcher = (next: string): Catcher[] => [
    { ErrorEquals: ["States.ALL"], ResultPath: stepPath(step.name, "failure"), Next: next },
  ];
  if (onFailure === "Abort") {
    const abort = stateName(step.name, at, "abort");
    sink.add(abort, {
      Type: "Fail",
      Error: STEP_FAILED_ERROR,
      Cause: `Step ${step.name} failed`,
    });
    states.push(abort);
    return catcher(abort);
  }
  const next = onFailure === "Continue" ? successorOf(scope, index) : onFailure.slice(5);
  if (!isCritical(step, scope)) return catcher(next);
  const record = stateName(step.name, at, "critical");
  sink.add(record, {
    Type: "Pass",
    Result: { step: step.name, cause: `Step ${step.name} failed` },
    ResultPath: CRITICAL_FAILED_PATH,
    Next: next,
  });
  states.push(record);
  return catcher(record);
}
