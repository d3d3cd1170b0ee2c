/** aws:changeInstanceState: starts, stops or terminates nodes (or only checks their state). */
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, known, oneOf, required, typed } from "../inputs.js";

export const changeInstanceState: AutomationActionDefinition = {
  outputs: {},
  check(inputs, at) {
    known(
      inputs,
      ["InstanceIds", "DesiredState", "CheckStateOnly", "Force", "AdditionalInfo"],
      at,
      "aws:changeInstanceState",
    );
    required(inputs, ["InstanceIds", "DesiredState"], at, "aws:changeInstanceState");
    typed(inputs, "InstanceIds", "string list", at);
    oneOf(inputs, "DesiredState", ["running", "stopped", "terminated"], at);
    allTyped(inputs, ["CheckStateOnly", "Force"], "boolean", at);
    typed(inputs, "AdditionalInfo", "string", at);
  },
};
