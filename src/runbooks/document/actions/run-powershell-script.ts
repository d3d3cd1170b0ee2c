/**
 * aws:runPowerShellScript: a PowerShell script, on every platform (the agent runs
 * powershell.exe on Windows and pwsh elsewhere).
 */
import { scriptAction } from "./script.js";

export const runPowerShellScript = scriptAction("aws:runPowerShellScript", [
  "Linux",
  "Windows",
  "MacOS",
]);
