/** aws:approve: waits for approvers' decisions (SendAutomationSignal Approve / Reject). */
import { invalid, shown } from "../../checks.js";
import { pointer } from "../../pointer.js";
import type { AutomationActionDefinition } from "../action.js";
import { deferred, inRange, known, required, typed } from "../inputs.js";

const MAX_APPROVERS = 10;
const MAX_MESSAGE = 4096;

export const approve: AutomationActionDefinition = {
  outputs: { ApprovalStatus: "String", ApproverDecisions: "MapList" },
  maxTimeoutSeconds: 30 * 86400,
  cancelTarget: false,
  check(inputs, at) {
    known(
      inputs,
      ["Approvers", "MinRequiredApprovals", "Message", "NotificationArn"],
      at,
      "aws:approve",
    );
    required(inputs, ["Approvers"], at, "aws:approve");
    const approvers = inputs.Approvers;
    if (!deferred(approvers)) {
      if (
        !Array.isArray(approvers) ||
        approvers.length === 0 ||
        approvers.length > MAX_APPROVERS ||
        !approvers.every((a) => typeof a === "string")
      )
        invalid(
          pointer(at, "Approvers"),
          `expected Approvers, a list of 1 to ${MAX_APPROVERS} names or ARNs, got ${shown(approvers)}`,
        );
    }
    const count = Array.isArray(approvers) ? approvers.length : MAX_APPROVERS;
    inRange(inputs, "MinRequiredApprovals", 1, count, at);
    typed(inputs, "Message", "string", at);
    if (typeof inputs.Message === "string" && inputs.Message.length > MAX_MESSAGE)
      invalid(
        pointer(at, "Message"),
        `expected a Message of at most ${MAX_MESSAGE} characters, got ${inputs.Message.length}`,
      );
    typed(inputs, "NotificationArn", "string", at);
  },
};
