/**
 * The automation's end. Without a step that may fail critically and go on, every ending is
 * a Succeed. Otherwise endings pass a Choice that fails the automation when
 * `$.criticalFailed` was recorded (its Cause names the step), as AWS ends such an automation
 * Failed even though its flow continued.
 */
import type { StateDefinition } from "../../../../asl/definition.js";
import {
  CRITICAL_FAILED_PATH,
  END_CHECK_STATE,
  FAILED_STATE,
  STEP_FAILED_ERROR,
  SUCCEEDED_STATE,
} from "./names.js";

/** The state every ending goes to. */
export function endState(checked: boolean): string {
  return checked ? END_CHECK_STATE : SUCCEEDED_STATE;
}

/** The automation's own end states. */
export function endStates(checked: boolean): Record<string, StateDefinition> {
  const succeeded: StateDefinition = { Type: "Succeed" };
  if (!checked) return { [SUCCEEDED_STATE]: succeeded };
  return {
    [END_CHECK_STATE]: {
      Type: "Choice",
      Choices: [{ Variable: CRITICAL_FAILED_PATH, IsPresent: true, Next: FAILED_STATE }],
      Default: SUCCEEDED_STATE,
    },
    [FAILED_STATE]: {
      Type: "Fail",
      Error: STEP_FAILED_ERROR,
      CausePath: `${CRITICAL_FAILED_PATH}.cause`,
    },
    [SUCCEEDED_STATE]: succeeded,
  };
}
