/**
 * The one table of `opsflow` commands.
 */
import type { Command } from "../command.js";
import { runCommand } from "./run.js";
import { serverCommand } from "./server.js";
import { validateCommand } from "./validate.js";

/** Command name → command. */
export const commands: Record<string, Command> = {
  validate: validateCommand,
  run: runCommand,
  server: serverCommand,
};
