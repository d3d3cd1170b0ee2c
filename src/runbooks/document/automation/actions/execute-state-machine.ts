/** aws:executeStateMachine: starts a workflow and waits for it to end. */
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, required } from "../inputs.js";

export const executeStateMachine: AutomationActionDefinition = {
  outputs: {
    executionArn: "String",
    input: "String",
    name: "String",
    output: "String",
    startDate: "String",
    stateMachineArn: "String",
    status: "String",
    stopDate: "String",
  },
  check(inputs, at) {
    // StartExecution passthrough: other request fields are allowed.
    required(inputs, ["stateMachineArn"], at, "aws:executeStateMachine");
    allTyped(inputs, ["stateMachineArn", "name", "input"], "string", at);
  },
};
