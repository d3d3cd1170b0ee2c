/** aws:assertAwsResourceProperty: fails unless a selected value is a desired one, checked once. */
import type { AutomationActionDefinition } from "../action.js";
import { checkPropertyInputs } from "../api-inputs.js";

export const assertAwsResourceProperty: AutomationActionDefinition = {
  outputs: {},
  check(inputs, at) {
    checkPropertyInputs(inputs, at, "aws:assertAwsResourceProperty");
  },
};
