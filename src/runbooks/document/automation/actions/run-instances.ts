/** aws:runInstances: launches instances (RunInstances passthrough). */
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, required, typed } from "../inputs.js";

export const runInstances: AutomationActionDefinition = {
  outputs: { InstanceIds: "StringList", InstanceStates: "StringList" },
  cancelTarget: false,
  check(inputs, at) {
    required(inputs, ["ImageId"], at, "aws:runInstances");
    allTyped(inputs, ["ImageId", "InstanceType", "KeyName", "SubnetId", "UserData"], "string", at);
    allTyped(inputs, ["MinInstanceCount", "MaxInstanceCount"], "integer", at);
    allTyped(inputs, ["SecurityGroupIds", "SecurityGroups"], "string list", at);
    typed(inputs, "TagSpecifications", "list of objects", at);
  },
};
