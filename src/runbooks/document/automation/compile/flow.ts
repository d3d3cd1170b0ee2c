/** Where a step's flow goes on success: `isEnd`, `nextStep`, or the next step in its list. */
import type { StepScope } from "./types.js";

/** The state after step `index` of `scope` succeeds (or fails with `Continue`). */
export function successorOf(scope: StepScope, index: number): string {
  const step = scope.steps[index];
  if (step.isEnd === true) return scope.end;
  if (step.nextStep !== undefined) return step.nextStep;
  return scope.steps[index + 1]?.name ?? scope.end;
}
