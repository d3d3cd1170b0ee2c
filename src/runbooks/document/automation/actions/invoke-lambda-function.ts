/** aws:invokeLambdaFunction: an opsflow function, InputPayload as its event. */
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, known, oneOf, required, typed } from "../inputs.js";

export const invokeLambdaFunction: AutomationActionDefinition = {
  outputs: {
    StatusCode: "Integer",
    FunctionError: "String",
    LogResult: "String",
    Payload: "String",
  },
  maxTimeoutSeconds: 300,
  check(inputs, at) {
    known(
      inputs,
      [
        "FunctionName",
        "Qualifier",
        "InvocationType",
        "LogType",
        "ClientContext",
        "InputPayload",
        "Payload",
      ],
      at,
      "aws:invokeLambdaFunction",
    );
    required(inputs, ["FunctionName"], at, "aws:invokeLambdaFunction");
    allTyped(inputs, ["FunctionName", "Qualifier", "ClientContext", "Payload"], "string", at);
    oneOf(inputs, "InvocationType", ["RequestResponse", "Event", "DryRun"], at);
    oneOf(inputs, "LogType", ["None", "Tail"], at);
    typed(inputs, "InputPayload", "object", at);
  },
};
