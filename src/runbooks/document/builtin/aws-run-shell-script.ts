/** AWS-RunShellScript: run shell commands on Linux and macOS nodes. */
import type { BuiltinDocument } from "./builtin.js";
import { EXECUTION_TIMEOUT_PARAMETER } from "./execution-timeout.js";

export const AWS_RUN_SHELL_SCRIPT: BuiltinDocument = {
  name: "AWS-RunShellScript",
  owner: "Amazon",
  documentType: "Command",
  format: "JSON",
  content: JSON.stringify(
    {
      schemaVersion: "2.2",
      description: "Run a shell script.",
      parameters: {
        commands: {
          type: "StringList",
          description: "(Required) Specify a shell script or a command to run.",
          minItems: 1,
          displayType: "textarea",
        },
        workingDirectory: {
          type: "String",
          default: "",
          description: "(Optional) The path to the working directory on your instance.",
          maxChars: 4096,
        },
        executionTimeout: EXECUTION_TIMEOUT_PARAMETER,
      },
      mainSteps: [
        {
          action: "aws:runShellScript",
          name: "runShellScript",
          inputs: {
            runCommand: "{{ commands }}",
            workingDirectory: "{{ workingDirectory }}",
            timeoutSeconds: "{{ executionTimeout }}",
          },
        },
      ],
    },
    null,
    2,
  ),
};
