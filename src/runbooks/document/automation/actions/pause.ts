/** aws:pause: waits until SendAutomationSignal(Resume). */
import type { AutomationActionDefinition } from "../action.js";
import { known } from "../inputs.js";

export const pause: AutomationActionDefinition = {
  outputs: {},
  cancelTarget: false,
  check(inputs, at) {
    known(inputs, [], at, "aws:pause");
  },
};
