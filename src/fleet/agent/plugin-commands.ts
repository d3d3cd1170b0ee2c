/**
 * How each script action becomes a process: the script file it writes and the interpreter
 * that runs it.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { AgentPlugin } from "../protocol.js";

/** The first of `names` that is an executable on PATH, as a full path. */
export function findOnPath(names: string[], path = process.env.PATH ?? ""): string | undefined {
  const suffixes = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const name of names) {
    for (const dir of path.split(delimiter).filter(Boolean)) {
      for (const suffix of suffixes) {
        const candidate = join(dir, name + suffix);
        try {
          accessSync(candidate, constants.X_OK);
          return candidate;
        } catch {
          // not here
        }
      }
    }
  }
  return undefined;
}

/** A script plugin's process: what to write and how to run it, or why it cannot run here. */
export type PluginCommand =
  | {
      ok: true;
      scriptName: string;
      script: string;
      command: string;
      args(scriptPath: string): string[];
    }
  | { ok: false; message: string };

/** The process of a runShellScript or runPowerShellScript plugin number `index`. */
export function pluginCommand(
  plugin: AgentPlugin,
  index: number,
  find: (names: string[]) => string | undefined = findOnPath,
): PluginCommand {
  const script = `${plugin.runCommand.join("\n")}\n`;
  if (plugin.action === "aws:runPowerShellScript") {
    const shell = find(["pwsh", "powershell"]);
    if (!shell)
      return {
        ok: false,
        message: `PowerShell is not installed (neither pwsh nor powershell is on PATH): install PowerShell to run ${plugin.action}\n`,
      };
    return {
      ok: true,
      scriptName: `plugin-${index}.ps1`,
      script,
      command: shell,
      args: (path) => [
        "-NoProfile",
        "-NonInteractive",
        "-ExecutionPolicy",
        "Bypass",
        "-File",
        path,
      ],
    };
  }
  return {
    ok: true,
    scriptName: `plugin-${index}.sh`,
    script,
    command: "sh",
    args: (path) => [path],
  };
}
