/**
 * State names and data paths of a compiled runbook. Every state of a step is the step's name
 * or the step's name, a dot and a role (`Sleep.wait`): step names are `[a-zA-Z0-9_]+`, so the
 * owner of a state is the text before its first dot, and no role can clash with a step.
 * The automation's own states contain a `-` instead, which no step name can.
 */
import { DocumentError } from "../../errors.js";

/** ASL's limit on state names. */
const MAX_STATE_NAME = 80;

/** Where every ending goes when a critical step may have failed: checks `$.criticalFailed`. */
export const END_CHECK_STATE = "Automation-End";
/** The automation's success. */
export const SUCCEEDED_STATE = "Automation-Succeeded";
/** The automation's failure after a critical step failed and the flow went on. */
export const FAILED_STATE = "Automation-Failed";

/** The error every step failure that ends the automation carries. */
export const STEP_FAILED_ERROR = "Automation.StepFailed";

/** Where the machine records the first critical failure (`{step, cause}`). */
export const CRITICAL_FAILED_PATH = "$.criticalFailed";

/**
 * The name of one of `step`'s states: the step's own name for its entry, `step.role` for the
 * others.
 * @throws DocumentError when the name would exceed ASL's 80 characters
 */
export function stateName(step: string, at: string, role?: string): string {
  const name = role === undefined ? step : `${step}.${role}`;
  if (name.length > MAX_STATE_NAME)
    throw new DocumentError(
      "InvalidDocumentContent",
      `${at}/name`,
      `a step name short enough to compile: its state "${name}" exceeds ${MAX_STATE_NAME} characters`,
    );
  return name;
}

/** The step that owns a state of a compiled runbook, or undefined for the automation's own. */
export function stepOfState(state: string): string | undefined {
  const owner = state.split(".", 1)[0];
  return /^[a-zA-Z0-9_]+$/.test(owner) ? owner : undefined;
}

/** The JSONPath of a step's record in the execution's data (`$.steps.Name`). */
export function stepPath(step: string, ...members: string[]): string {
  const head = /^[A-Za-z_]\w*$/.test(step) ? `$.steps.${step}` : `$.steps['${step}']`;
  return [head, ...members].join(".");
}
