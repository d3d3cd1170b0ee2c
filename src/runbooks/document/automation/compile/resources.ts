/**
 * The Task resources a compiled runbook invokes: one per action
 * (`arn:aws:states:::opsflow:automation.runCommand`), and the evaluators the control flow
 * needs (`automation.branch`, `automation.loopNext`, `automation.sleep`). The runtime
 * dispatches them; this core only names them.
 */
import type { AutomationAction } from "../../types.js";

const PREFIX = "arn:aws:states:::opsflow:automation.";

/** The resource of an action (`aws:runCommand` → `...opsflow:automation.runCommand`). */
export function actionResource(action: AutomationAction): string {
  return `${PREFIX}${action.slice("aws:".length)}`;
}

/** aws:pause / aws:approve: the step waits until the runtime sends the task's token back. */
export function waitingResource(action: AutomationAction): string {
  return `${actionResource(action)}.waitForTaskToken`;
}

/** Evaluates an aws:branch's choices; returns `{NextStep: name | null}`. */
export const BRANCH_RESOURCE = `${PREFIX}branch`;

/**
 * Decides an aws:loop's next iteration from the previous one (`_data.steps.<loop>`, `{}` on
 * entry); returns `{CurrentIteration, CurrentIteratorValue?, Continue}`.
 */
export const LOOP_NEXT_RESOURCE = `${PREFIX}loopNext`;

/**
 * Resolves an aws:sleep whose Duration or Timestamp is a `{{ }}` reference; returns
 * `{Seconds}` (whole seconds) for a Duration, `{Timestamp}` (RFC 3339) for a Timestamp.
 */
export const SLEEP_RESOURCE = `${PREFIX}sleep`;
