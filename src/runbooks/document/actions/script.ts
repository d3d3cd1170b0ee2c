/**
 * The inputs the script actions (aws:runShellScript, aws:runPowerShellScript) share:
 * runCommand (one text or a list of lines), workingDirectory, timeoutSeconds.
 */
import { invalid, shown } from "../checks.js";
import { pointer } from "../pointer.js";
import type { CommandAction, CompiledPlugin, JsonObject, JsonValue, Platform } from "../types.js";
import { type ActionDefinition, InputValueError } from "./action.js";
import { checkText, checkTimeout, compileText, compileTimeout } from "./inputs.js";

/** A script action running on `platforms`. */
export function scriptAction(
  action: CommandAction,
  platforms: readonly Platform[],
): ActionDefinition {
  return {
    platforms,
    inputs: ["runCommand", "workingDirectory", "timeoutSeconds"],
    check(inputs: JsonObject, at: string) {
      const lines = inputs.runCommand;
      const linesOk =
        typeof lines === "string" ||
        (Array.isArray(lines) && lines.every((l) => typeof l === "string"));
      if (!linesOk)
        invalid(
          pointer(at, "runCommand"),
          `expected runCommand as a string or a list of strings, got ${shown(lines)}`,
        );
      checkText(inputs.workingDirectory, at, "workingDirectory");
      checkTimeout(inputs.timeoutSeconds, at);
    },
    compile(name: string, inputs: JsonObject): CompiledPlugin {
      const plugin: CompiledPlugin = {
        name,
        action,
        runCommand: lines(inputs.runCommand),
        timeoutSeconds: compileTimeout(inputs.timeoutSeconds),
      };
      const workingDirectory = compileText(inputs.workingDirectory, "workingDirectory");
      if (workingDirectory !== undefined) plugin.workingDirectory = workingDirectory;
      return plugin;
    },
  };
}

/** runCommand as lines: a text is one line (the agent joins lines with newlines anyway). */
function lines(value: JsonValue | undefined): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value))
    return value.map((line) => {
      if (typeof line === "string") return line;
      if (typeof line === "number" || typeof line === "boolean") return String(line);
      throw new InputValueError(
        "runCommand",
        `runCommand lines must be strings, got ${shown(line)}`,
      );
    });
  throw new InputValueError(
    "runCommand",
    `runCommand must be a string or a list of strings, got ${shown(value)}`,
  );
}
