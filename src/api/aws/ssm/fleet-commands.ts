/**
 * Run Command on the AWS endpoint: SendCommand, ListCommands, ListCommandInvocations,
 * GetCommandInvocation and CancelCommand. The command is stored before SendCommand answers;
 * every refusal happens before that, so a refused request changes nothing.
 */

import type { SendCommandRequest } from "../../../fleet/commands.js";
import { FleetError } from "../../../fleet/errors.js";
import type { Fleet } from "../../../fleet/index.js";
import type { CommandRecord, InvocationRecord } from "../../../store/fleet-port.js";
import { nodeAccess } from "../../authz/node-access.js";
import {
  bool,
  int,
  type Members,
  optional,
  record,
  required,
  str,
  structures,
} from "../sfn/members.js";
import { commandFilterOf, invocationFilterOf } from "./fleet-command-filters.js";
import {
  commandInvocationResult,
  commandShape,
  invocationShape,
  PLUGIN_OUTPUT_CHARS,
  pluginNames,
  pluginOutput,
} from "./fleet-command-shapes.js";
import { documentName } from "./fleet-documents.js";
import { type FleetOperation, invalidMember, nextToken, pageOf, strings } from "./fleet-members.js";

const NOTIFICATION_EVENTS = ["All", "InProgress", "Success", "TimedOut", "Cancelled", "Failed"];

/** Parameters: a map of names to lists of strings. */
function parametersOf(request: Members): Record<string, string[]> | undefined {
  const map = optional(request, "Parameters", record);
  if (map === undefined) return undefined;
  for (const [name, values] of Object.entries(map))
    if (!Array.isArray(values) || values.some((v) => typeof v !== "string"))
      invalidMember(`Parameters.${name}`, "Member must be a list of strings");
  return map as Record<string, string[]>;
}

/** NotificationConfig: a topic ARN, the events (default All) and the type (default Command). */
function notificationOf(request: Members): CommandRecord["notification"] {
  const config = optional(request, "NotificationConfig", record);
  if (config === undefined) return undefined;
  const topicArn = optional(config, "NotificationArn", str);
  if (topicArn === undefined || topicArn === "") return undefined;
  if (!/^arn:aws:sns:[^:]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(topicArn))
    throw new FleetError(
      "InvalidNotificationConfig",
      `NotificationArn ${topicArn} is not a topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME).`,
    );
  const events = strings(config, "NotificationEvents") ?? ["All"];
  const bad = events.find((e) => !NOTIFICATION_EVENTS.includes(e));
  if (bad !== undefined || events.length === 0)
    throw new FleetError(
      "InvalidNotificationConfig",
      `NotificationEvents must be some of ${NOTIFICATION_EVENTS.join(", ")}.`,
    );
  const type = optional(config, "NotificationType", str) ?? "Command";
  if (type !== "Command" && type !== "Invocation")
    throw new FleetError(
      "InvalidNotificationConfig",
      "NotificationType must be Command or Invocation.",
    );
  return { topicArn, events, type };
}

/** What SendCommand asks for, read from the request. */
function sendRequestOf(
  request: Members,
  where: { account: string; region: string },
): SendCommandRequest {
  const text = (key: string, max?: number) =>
    optional(request, key, (m, n) => str(m, n, max ? { max } : {}));
  const targets = optional(request, "Targets", structures)?.map((t) => ({
    Key: required(t, "Key", (m, n) => str(m, n, { max: 163 })),
    Values: strings(t, "Values") ?? [],
  }));
  const fields = {
    documentVersion: text("DocumentVersion"),
    instanceIds: strings(request, "InstanceIds"),
    targets,
    parameters: parametersOf(request),
    timeoutSeconds: optional(request, "TimeoutSeconds", (m, n) =>
      int(m, n, { min: 30, max: 2_592_000 }),
    ),
    comment: text("Comment", 100),
    maxConcurrency: text("MaxConcurrency", 7),
    maxErrors: text("MaxErrors", 7),
    notification: notificationOf(request),
    serviceRoleArn: text("ServiceRoleArn"),
  };
  const defined = Object.entries(fields).filter(([, v]) => v !== undefined);
  return {
    documentName: documentName(request, where, "DocumentName"),
    ...Object.fromEntries(defined),
  };
}

/** DocumentHash, when given, must be the SHA-256 of the version that will run. */
async function checkHash(fleet: Fleet, request: Members, send: SendCommandRequest): Promise<void> {
  const hash = optional(request, "DocumentHash", str);
  if (hash === undefined) return;
  if ((optional(request, "DocumentHashType", str) ?? "Sha256") !== "Sha256")
    throw new FleetError(
      "ValidationException",
      "DocumentHashType Sha1 is not supported: use Sha256.",
    );
  const view = await fleet.documents.get(send.documentName, send.documentVersion);
  if (view.hash !== hash)
    throw new FleetError(
      "InvalidDocument",
      `DocumentHash does not match version ${view.version} of ${send.documentName}.`,
    );
}

/** The S3 and CloudWatch output settings a SendCommand gave, echoed in its answer. */
function outputEcho(request: Members) {
  const echo: Record<string, unknown> = {};
  for (const key of ["OutputS3Region", "OutputS3BucketName", "OutputS3KeyPrefix"]) {
    const value = optional(request, key, str);
    if (value !== undefined) echo[key] = value;
  }
  const cloudWatch = optional(request, "CloudWatchOutputConfig", record);
  if (cloudWatch)
    echo.CloudWatchOutputConfig = {
      CloudWatchLogGroupName: optional(cloudWatch, "CloudWatchLogGroupName", str) ?? "",
      CloudWatchOutputEnabled: optional(cloudWatch, "CloudWatchOutputEnabled", bool) ?? false,
    };
  return echo;
}

/** The first `chars` characters of a stream (a character is at most 4 bytes of UTF-8). */
async function head(
  fleet: Fleet,
  invocation: InvocationRecord,
  stream: "stdout" | "stderr",
  chars: number,
) {
  const bytes = await fleet.commands.readOutput(invocation, stream, 0, chars * 4);
  return [...Buffer.from(bytes).toString("utf8")].slice(0, chars).join("");
}

/** Operation name → implementation. */
export const commandOperations: Record<string, FleetOperation> = {
  async SendCommand(request, { fleet, api, principal, account, region }) {
    if (request.AlarmConfiguration !== undefined && request.AlarmConfiguration !== null)
      throw new FleetError(
        "ValidationException",
        "AlarmConfiguration is not supported by opsflow.",
      );
    const send = sendRequestOf(request, { account, region });
    await checkHash(fleet, request, send);
    const command = await fleet.commands.send(
      { ...send, authorizeNodes: nodeAccess(api, principal) },
      principal.user,
    );
    return { Command: { ...commandShape(command, region), ...outputEcho(request) } };
  },

  async ListCommands(request, { fleet, region }) {
    const filter = commandFilterOf(request);
    if (filter.statuses?.length === 0) return { Commands: [] };
    const found = await fleet.commands.list(filter, pageOf(request, 50));
    return {
      Commands: found.items.map((c) => commandShape(c, region)),
      ...nextToken(found.nextToken),
    };
  },

  async ListCommandInvocations(request, { fleet, region }) {
    const filter = invocationFilterOf(request);
    if (filter.statuses?.length === 0) return { CommandInvocations: [] };
    const details = optional(request, "Details", bool) ?? false;
    const found = await fleet.commands.listInvocations(filter, pageOf(request, 50));
    const commands = new Map<string, CommandRecord>();
    const items = [];
    for (const invocation of found.items) {
      let command = commands.get(invocation.commandId);
      if (!command) {
        command = await fleet.commands.get(invocation.commandId);
        commands.set(command.id, command);
      }
      const output = details
        ? pluginOutput(
            await head(fleet, invocation, "stdout", PLUGIN_OUTPUT_CHARS),
            await head(fleet, invocation, "stderr", PLUGIN_OUTPUT_CHARS),
          )
        : undefined;
      items.push(invocationShape(invocation, command, region, output));
    }
    return { CommandInvocations: items, ...nextToken(found.nextToken) };
  },

  async GetCommandInvocation(request, { fleet }) {
    const commandId = required(request, "CommandId", (m, n) => str(m, n, { max: 36 }));
    const instanceId = required(request, "InstanceId", (m, n) => str(m, n, { max: 124 }));
    const invocation = await fleet.commands.invocation(commandId, instanceId);
    const command = await fleet.commands.get(commandId);
    const names = pluginNames(command);
    const pluginName = optional(request, "PluginName", str);
    if (pluginName !== undefined && !names.includes(pluginName))
      throw new FleetError(
        "InvalidPluginName",
        `${command.documentName} has no step named ${pluginName}: its steps are ${names.join(", ")}.`,
      );
    return commandInvocationResult(invocation, command, pluginName ?? (names[0] as string), {
      stdout: await fleet.commands.outputContent(invocation, "stdout"),
      stderr: await fleet.commands.outputContent(invocation, "stderr"),
    });
  },

  async CancelCommand(request, { fleet }) {
    const commandId = required(request, "CommandId", (m, n) => str(m, n, { max: 36 }));
    await fleet.commands.cancel(commandId, strings(request, "InstanceIds"));
    return {};
  },
};
