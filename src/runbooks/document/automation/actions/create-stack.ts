/** aws:createStack: creates an opsflow stack from a template (CreateStack passthrough). */
import { invalid } from "../../checks.js";
import { pointer } from "../../pointer.js";
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, required, typed } from "../inputs.js";

export const createStack: AutomationActionDefinition = {
  outputs: { StackId: "String", StackStatus: "String", StackStatusReason: "String" },
  cancelTarget: false,
  check(inputs, at) {
    required(inputs, ["StackName"], at, "aws:createStack");
    if (inputs.TemplateBody === undefined && inputs.TemplateURL === undefined)
      invalid(pointer(at, "TemplateBody"), "expected TemplateBody or TemplateURL");
    allTyped(
      inputs,
      ["StackName", "TemplateURL", "RoleARN", "OnFailure", "ClientRequestToken"],
      "string",
      at,
    );
    allTyped(inputs, ["Parameters", "Tags"], "list of objects", at);
    typed(inputs, "Capabilities", "string list", at);
    typed(inputs, "TimeoutInMinutes", "integer", at);
  },
};
