/** aws:branch: the first choice whose condition holds names the next step; else Default. */
import { invalid, objectAt, shown } from "../../checks.js";
import { pointer } from "../../pointer.js";
import type { AutomationActionDefinition, StepTarget } from "../action.js";
import { checkCondition } from "../conditions.js";
import { known, required, typed } from "../inputs.js";

export const branch: AutomationActionDefinition = {
  outputs: {},
  check(inputs, at) {
    known(inputs, ["Choices", "Default"], at, "aws:branch");
    required(inputs, ["Choices"], at, "aws:branch");
    const choices = inputs.Choices;
    if (!Array.isArray(choices) || choices.length === 0)
      invalid(
        pointer(at, "Choices"),
        `expected Choices, a non-empty list of choices, got ${shown(choices)}`,
      );
    choices.forEach((choice, index) => {
      const here = pointer(at, "Choices", index);
      const fields = objectAt(choice, here, "a choice");
      if (typeof fields.NextStep !== "string")
        invalid(
          pointer(here, "NextStep"),
          `expected NextStep, the name of a step, got ${shown(fields.NextStep)}`,
        );
      checkCondition(fields, here, ["NextStep"]);
    });
    typed(inputs, "Default", "string", at);
  },
  targets(inputs, at) {
    const targets: StepTarget[] = [];
    const choices = Array.isArray(inputs.Choices) ? inputs.Choices : [];
    choices.forEach((choice, index) => {
      const next = (choice as { NextStep?: unknown }).NextStep;
      if (typeof next === "string")
        targets.push({ at: pointer(at, "Choices", index, "NextStep"), name: next });
    });
    if (typeof inputs.Default === "string")
      targets.push({ at: pointer(at, "Default"), name: inputs.Default });
    return targets;
  },
};
