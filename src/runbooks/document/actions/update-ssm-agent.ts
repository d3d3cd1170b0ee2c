/**
 * aws:updateSsmAgent: the node's agent updates itself. Inputs agentName (required),
 * allowDowngrade, targetVersion (or `version`; absent or empty: the server offers its own
 * version), source (accepted for AWS documents, unused: the server is the source).
 */
import { invalid, shown } from "../checks.js";
import { pointer } from "../pointer.js";
import type { CompiledPlugin, JsonObject, JsonValue } from "../types.js";
import { type ActionDefinition, InputValueError } from "./action.js";
import { checkText, checkTimeout, compileText, compileTimeout, deferred } from "./inputs.js";

export const updateSsmAgent: ActionDefinition = {
  platforms: ["Linux", "Windows", "MacOS"],
  inputs: ["agentName", "allowDowngrade", "targetVersion", "version", "source", "timeoutSeconds"],
  check(inputs: JsonObject, at: string) {
    if (typeof inputs.agentName !== "string")
      invalid(
        pointer(at, "agentName"),
        `expected agentName as a string (e.g. "amazon-ssm-agent"), got ${shown(inputs.agentName)}`,
      );
    const downgrade = inputs.allowDowngrade;
    if (downgrade !== undefined && !deferred(downgrade) && flag(downgrade) === undefined)
      invalid(
        pointer(at, "allowDowngrade"),
        `expected allowDowngrade as true or false, got ${shown(downgrade)}`,
      );
    for (const input of ["targetVersion", "version", "source"]) checkText(inputs[input], at, input);
    checkTimeout(inputs.timeoutSeconds, at);
  },
  compile(name: string, inputs: JsonObject): CompiledPlugin {
    const plugin: CompiledPlugin = {
      name,
      action: "aws:updateSsmAgent",
      runCommand: [],
      timeoutSeconds: compileTimeout(inputs.timeoutSeconds),
    };
    if (inputs.allowDowngrade !== undefined) {
      const allow = flag(inputs.allowDowngrade);
      if (allow === undefined)
        throw new InputValueError(
          "allowDowngrade",
          `allowDowngrade must be true or false, got ${shown(inputs.allowDowngrade)}`,
        );
      plugin.allowDowngrade = allow;
    }
    const version =
      compileText(inputs.targetVersion, "targetVersion") ?? compileText(inputs.version, "version");
    if (version !== undefined) plugin.targetVersion = version;
    return plugin;
  },
};

function flag(value: JsonValue): boolean | undefined {
  if (typeof value === "boolean") return value;
  return value === "true" || value === "false" ? value === "true" : undefined;
}
