/** Every plugin action Command documents may use: the one place an action is registered. */
import type { CommandAction } from "../types.js";
import type { ActionDefinition } from "./action.js";
import { runPowerShellScript } from "./run-powershell-script.js";
import { runShellScript } from "./run-shell-script.js";
import { updateSsmAgent } from "./update-ssm-agent.js";

/** The actions by name; a `Record` so a new `CommandAction` must be registered here. */
export const ACTIONS: Readonly<Record<CommandAction, ActionDefinition>> = {
  "aws:runShellScript": runShellScript,
  "aws:runPowerShellScript": runPowerShellScript,
  "aws:updateSsmAgent": updateSsmAgent,
};

/** True for a registered action name. */
export function isCommandAction(name: unknown): name is CommandAction {
  return typeof name === "string" && Object.hasOwn(ACTIONS, name);
}
