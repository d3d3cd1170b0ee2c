/** aws:deleteStack: deletes an opsflow stack. */
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, known, required, typed } from "../inputs.js";

export const deleteStack: AutomationActionDefinition = {
  outputs: {},
  check(inputs, at) {
    known(
      inputs,
      ["StackName", "ClientRequestToken", "RetainResources", "RoleARN"],
      at,
      "aws:deleteStack",
    );
    required(inputs, ["StackName"], at, "aws:deleteStack");
    allTyped(inputs, ["StackName", "ClientRequestToken", "RoleARN"], "string", at);
    typed(inputs, "RetainResources", "string list", at);
  },
};
