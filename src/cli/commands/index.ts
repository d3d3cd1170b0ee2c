/**
 * The one table of `opsflow` commands.
 */
import type { Command } from "../command.js";
import { approvalsCommand } from "./approvals.js";
import { auditCommand } from "./audit.js";
import { accessKeysCommand, tokensCommand } from "./credentials.js";
import { eventsCommand } from "./events.js";
import { executionsCommand } from "./executions.js";
import { functionsCommand } from "./functions.js";
import { incidentsCommand } from "./incidents.js";
import { rulesCommand } from "./rules.js";
import { runCommand } from "./run.js";
import { serverCommand } from "./server.js";
import { stateMachinesCommand } from "./state-machines.js";
import { targetsCommand } from "./targets.js";
import { tasksCommand } from "./tasks.js";
import { topicsCommand } from "./topics.js";
import { usersCommand } from "./users.js";
import { validateCommand } from "./validate.js";

/** Command name → command. */
export const commands: Record<string, Command> = {
  validate: validateCommand,
  run: runCommand,
  server: serverCommand,
  "state-machines": stateMachinesCommand,
  executions: executionsCommand,
  tasks: tasksCommand,
  functions: functionsCommand,
  events: eventsCommand,
  rules: rulesCommand,
  targets: targetsCommand,
  topics: topicsCommand,
  approvals: approvalsCommand,
  incidents: incidentsCommand,
  users: usersCommand,
  "access-keys": accessKeysCommand,
  tokens: tokensCommand,
  audit: auditCommand,
};
