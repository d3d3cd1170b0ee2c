/** AWS-UpdateSSMAgent: the node's agent updates itself to the version the server offers. */
import type { BuiltinDocument } from "./builtin.js";

export const AWS_UPDATE_SSM_AGENT: BuiltinDocument = {
  name: "AWS-UpdateSSMAgent",
  owner: "Amazon",
  documentType: "Command",
  format: "JSON",
  content: JSON.stringify(
    {
      schemaVersion: "2.2",
      description: "Update the agent to the latest version or a specified version.",
      parameters: {
        version: {
          type: "String",
          default: "",
          description:
            "(Optional) A specific version of the agent to install. If not specified, the agent is updated to the version the server offers.",
        },
        allowDowngrade: {
          type: "String",
          default: "false",
          description:
            "(Optional) Allow the agent to be downgraded to an earlier version. If set to false, the agent can be upgraded only (default). If set to true, specify the earlier version.",
          allowedValues: ["true", "false"],
        },
      },
      mainSteps: [
        {
          action: "aws:updateSsmAgent",
          name: "updateSsmAgent",
          inputs: {
            agentName: "amazon-ssm-agent",
            allowDowngrade: "{{ allowDowngrade }}",
            targetVersion: "{{ version }}",
          },
        },
      ],
    },
    null,
    2,
  ),
};
