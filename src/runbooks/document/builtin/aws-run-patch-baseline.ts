/**
 * AWS-RunPatchBaseline: scan for or install missing updates with the node's own package
 * manager (Linux) or Windows Update (Windows). Written in YAML, as the scripts read best in
 * block scalars.
 */
import { type BuiltinDocument, indented } from "./builtin.js";
import { LINUX_PATCH_SCRIPT } from "./patch-linux.js";
import { WINDOWS_PATCH_SCRIPT } from "./patch-windows.js";

const CONTENT = `schemaVersion: "2.2"
description: >-
  Scan for or install missing updates on a managed node: apt-get, dnf, yum or zypper on
  Linux, Windows Update on Windows. Install reboots the node afterwards when anything was
  installed, unless RebootOption is NoReboot.
parameters:
  Operation:
    type: String
    description: "(Required) Scan reports missing updates without changing anything; Install installs them."
    allowedValues:
      - Scan
      - Install
  RebootOption:
    type: String
    description: "(Optional) RebootIfNeeded reboots when any update was installed; NoReboot never reboots."
    default: RebootIfNeeded
    allowedValues:
      - RebootIfNeeded
      - NoReboot
mainSteps:
  - precondition:
      StringEquals: [platformType, Linux]
    action: aws:runShellScript
    name: PatchLinux
    inputs:
      timeoutSeconds: 7200
      runCommand: |
${indented(LINUX_PATCH_SCRIPT, 8)}
  - precondition:
      StringEquals: [platformType, Windows]
    action: aws:runPowerShellScript
    name: PatchWindows
    inputs:
      timeoutSeconds: 7200
      runCommand: |
${indented(WINDOWS_PATCH_SCRIPT, 8)}
`;

export const AWS_RUN_PATCH_BASELINE: BuiltinDocument = {
  name: "AWS-RunPatchBaseline",
  owner: "Amazon",
  documentType: "Command",
  format: "YAML",
  content: CONTENT,
};
