/**
 * The one table of `opsflow` commands.
 */
import type { Command } from "../command.js";
import { activationsCommand } from "./activations.js";
import { agentCommand } from "./agent.js";
import { apiDestinationsCommand } from "./api-destinations.js";
import { approvalsCommand } from "./approvals.js";
import { archivesCommand } from "./archives.js";
import { auditCommand } from "./audit.js";
import { backupCommand } from "./backup.js";
import { commandsCommand } from "./commands.js";
import { connectionsCommand } from "./connections.js";
import { accessKeysCommand, tokensCommand } from "./credentials.js";
import { documentsCommand } from "./documents.js";
import { eventsCommand } from "./events.js";
import { executionsCommand } from "./executions.js";
import { functionsCommand } from "./functions.js";
import { groupsCommand } from "./groups.js";
import { incidentsCommand } from "./incidents.js";
import { nodesCommand } from "./nodes.js";
import { parametersCommand } from "./parameters.js";
import { replaysCommand } from "./replays.js";
import { rulesCommand } from "./rules.js";
import { runCommand } from "./run.js";
import { serverCommand } from "./server.js";
import { stateMachinesCommand } from "./state-machines.js";
import { targetsCommand } from "./targets.js";
import { tasksCommand } from "./tasks.js";
import { teamsCommand } from "./teams.js";
import { topicsCommand } from "./topics.js";
import { usersCommand } from "./users.js";
import { validateCommand } from "./validate.js";

/** Command name → command. */
export const commands: Record<string, Command> = {
  validate: validateCommand,
  run: runCommand,
  server: serverCommand,
  agent: agentCommand,
  backup: backupCommand,
  "state-machines": stateMachinesCommand,
  executions: executionsCommand,
  tasks: tasksCommand,
  functions: functionsCommand,
  events: eventsCommand,
  rules: rulesCommand,
  targets: targetsCommand,
  archives: archivesCommand,
  replays: replaysCommand,
  connections: connectionsCommand,
  "api-destinations": apiDestinationsCommand,
  topics: topicsCommand,
  approvals: approvalsCommand,
  incidents: incidentsCommand,
  parameters: parametersCommand,
  nodes: nodesCommand,
  activations: activationsCommand,
  documents: documentsCommand,
  commands: commandsCommand,
  users: usersCommand,
  groups: groupsCommand,
  teams: teamsCommand,
  "access-keys": accessKeysCommand,
  tokens: tokensCommand,
  audit: auditCommand,
};
