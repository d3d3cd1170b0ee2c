/** aws:runCommand: a Command document on managed nodes (SendCommand passthrough). */
import { invalid } from "../../checks.js";
import { pointer } from "../../pointer.js";
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, known, required, typed } from "../inputs.js";

const INPUTS = [
  "DocumentName",
  "InstanceIds",
  "Targets",
  "Parameters",
  "CloudWatchOutputConfig",
  "Comment",
  "DocumentHash",
  "DocumentHashType",
  "DocumentVersion",
  "NotificationConfig",
  "OutputS3BucketName",
  "OutputS3KeyPrefix",
  "OutputS3Region",
  "ServiceRoleArn",
  "TimeoutSeconds",
  "MaxConcurrency",
  "MaxErrors",
];

export const runCommand: AutomationActionDefinition = {
  outputs: { CommandId: "String", Status: "String", ResponseCode: "Integer", Output: "String" },
  check(inputs, at) {
    known(inputs, INPUTS, at, "aws:runCommand");
    required(inputs, ["DocumentName"], at, "aws:runCommand");
    if (inputs.InstanceIds !== undefined && inputs.Targets !== undefined)
      invalid(pointer(at, "Targets"), "expected InstanceIds or Targets, not both");
    allTyped(
      inputs,
      [
        "DocumentName",
        "Comment",
        "DocumentHash",
        "ServiceRoleArn",
        "OutputS3BucketName",
        "OutputS3KeyPrefix",
      ],
      "string",
      at,
    );
    typed(inputs, "InstanceIds", "string list", at);
    typed(inputs, "Targets", "list of objects", at);
    allTyped(inputs, ["Parameters", "CloudWatchOutputConfig", "NotificationConfig"], "object", at);
    typed(inputs, "TimeoutSeconds", "integer", at);
  },
};
