/** aws:createTags: tags resources (nodes, parameters, maintenance windows). */
import type { AutomationActionDefinition } from "../action.js";
import { known, oneOf, required, typed } from "../inputs.js";

export const createTags: AutomationActionDefinition = {
  outputs: {},
  cancelTarget: false,
  check(inputs, at) {
    known(inputs, ["ResourceIds", "Tags", "ResourceType"], at, "aws:createTags");
    required(inputs, ["ResourceIds", "Tags"], at, "aws:createTags");
    typed(inputs, "ResourceIds", "string list", at);
    typed(inputs, "Tags", "list of objects", at);
    oneOf(inputs, "ResourceType", ["EC2", "ManagedInstance", "MaintenanceWindow", "Parameter"], at);
  },
};
