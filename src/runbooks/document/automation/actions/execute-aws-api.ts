/** aws:executeAwsApi: one operation of an opsflow service; outputs are the step's own. */
import type { AutomationActionDefinition } from "../action.js";
import { checkApiCall } from "../api-inputs.js";

export const executeAwsApi: AutomationActionDefinition = {
  outputs: {},
  check(inputs, at) {
    checkApiCall(inputs, at, "aws:executeAwsApi");
  },
};
