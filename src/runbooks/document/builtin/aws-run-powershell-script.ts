/** AWS-RunPowerShellScript: run PowerShell commands (Windows, and pwsh elsewhere). */
import type { BuiltinDocument } from "./builtin.js";
import { EXECUTION_TIMEOUT_PARAMETER } from "./execution-timeout.js";

export const AWS_RUN_POWERSHELL_SCRIPT: BuiltinDocument = {
  name: "AWS-RunPowerShellScript",
  owner: "Amazon",
  documentType: "Command",
  format: "JSON",
  content: JSON.stringify(
    {
      schemaVersion: "2.2",
      description: "Run a PowerShell script or specify the paths to scripts to run.",
      parameters: {
        commands: {
          type: "StringList",
          description:
            "(Required) Specify the commands to run or the paths to existing scripts on the instance.",
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
          action: "aws:runPowerShellScript",
          name: "runPowerShellScript",
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
