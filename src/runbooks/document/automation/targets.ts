/**
 * The steps a step names (nextStep, onFailure / onCancel `step:NAME`, aws:branch's NextStep
 * and Default) must be in the same list: mainSteps for main steps, the body for a loop's.
 */
import { invalid } from "../checks.js";
import { pointer } from "../pointer.js";
import type { AutomationStep } from "../types.js";
import type { StepTarget } from "./action.js";
import { AUTOMATION_ACTIONS } from "./actions/table.js";

/** Refuses a target outside `steps`, or an onCancel target of an action cancels cannot run. */
export function checkTargets(steps: readonly AutomationStep[], at: string): void {
  const byName = new Map(steps.map((step) => [step.name, step]));
  const where = at.endsWith("/Steps") ? "in the same loop body" : "in mainSteps";
  steps.forEach((step, index) => {
    const here = pointer(at, index);
    const targets: StepTarget[] = [];
    if (step.nextStep !== undefined)
      targets.push({ at: pointer(here, "nextStep"), name: step.nextStep });
    for (const key of ["onFailure", "onCancel"] as const) {
      const value = step[key];
      if (value?.startsWith("step:"))
        targets.push({ at: pointer(here, key), name: value.slice(5) });
    }
    const definition = AUTOMATION_ACTIONS[step.action];
    if (definition.targets)
      targets.push(...definition.targets(step.inputs, pointer(here, "inputs")));
    for (const target of targets) {
      const found = byName.get(target.name);
      if (!found) invalid(target.at, `expected the name of a step ${where}, got "${target.name}"`);
      if (
        target.at.endsWith("/onCancel") &&
        AUTOMATION_ACTIONS[found.action].cancelTarget === false
      )
        invalid(
          target.at,
          `expected an onCancel step whose action may run on cancel; ${found.name} is ${found.action}`,
        );
    }
  });
}
