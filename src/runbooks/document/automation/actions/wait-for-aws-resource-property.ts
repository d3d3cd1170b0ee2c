/** aws:waitForAwsResourceProperty: polls an API until a selected value is a desired one. */
import type { AutomationActionDefinition } from "../action.js";
import { checkPropertyInputs } from "../api-inputs.js";

export const waitForAwsResourceProperty: AutomationActionDefinition = {
  outputs: {},
  check(inputs, at) {
    checkPropertyInputs(inputs, at, "aws:waitForAwsResourceProperty");
  },
};
