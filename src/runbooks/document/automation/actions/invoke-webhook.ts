/** aws:invokeWebhook: calls a stored integration (a connection) with a Body. */
import type { AutomationActionDefinition } from "../action.js";
import { known, required, typed } from "../inputs.js";

export const invokeWebhook: AutomationActionDefinition = {
  outputs: { Response: "String", ResponseCode: "Integer" },
  check(inputs, at) {
    known(inputs, ["IntegrationName", "Body"], at, "aws:invokeWebhook");
    required(inputs, ["IntegrationName"], at, "aws:invokeWebhook");
    typed(inputs, "IntegrationName", "string", at);
  },
};
