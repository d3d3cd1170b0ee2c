/**
 * What the fleet tells the world about commands: events on the bus in EventBridge's shapes
 * ("EC2 Command Status-change Notification" and "EC2 Command Invocation Status-change
 * Notification", source aws.ssm) and NotificationConfig messages to an opsflow topic.
 * Parameters are published as the caller gave them: secrets stay `{{ssm-secure:...}}`
 * references, never values.
 */
import type { PutEventsRequestEntry } from "../events/envelope.js";
import type { CommandChange, CommandRecord, InvocationRecord } from "../store/fleet-port.js";

/** Where events and notifications go (the composition root connects the bus and topics). */
export interface CommandPublisher {
  putEvents(entries: PutEventsRequestEntry[]): Promise<unknown>;
  notify?(topicArn: string, subject: string, message: string): Promise<unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The events and notifications for a command just sent. */
export async function publishSent(
  publisher: CommandPublisher,
  command: CommandRecord,
  region: string,
  account: string,
) {
  await publisher.putEvents([commandEvent(command, region, account)]).catch(() => undefined);
}

/** The events and notifications of a change: each invocation that changed, and the command when it ended. */
export async function publishChange(
  publisher: CommandPublisher,
  change: CommandChange,
  region: string,
  account: string,
  now: number,
): Promise<void> {
  const { command } = change;
  const entries = change.changed.map((inv) => invocationEvent(command, inv, region, account));
  const ended = change.changed.length > 0 && TERMINAL.has(command.status);
  if (ended) entries.push(commandEvent(command, region, account));
  if (entries.length > 0) await publisher.putEvents(entries).catch(() => undefined);
  const config = command.notification;
  if (!config || !publisher.notify) return;
  const wanted = (status: string) =>
    config.events.includes("All") || config.events.includes(status);
  const messages =
    config.type === "Invocation"
      ? change.changed
          .filter((inv) => wanted(inv.status))
          .map((inv) => notification(command, now, inv))
      : ended && wanted(command.status)
        ? [notification(command, now)]
        : [];
  for (const message of messages)
    await publisher
      .notify(config.topicArn, `Command ${command.id} ${message.status}`, JSON.stringify(message))
      .catch(() => undefined);
}

const TERMINAL = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

function commandEvent(
  command: CommandRecord,
  region: string,
  account: string,
): PutEventsRequestEntry {
  return {
    Source: "aws.ssm",
    DetailType: "EC2 Command Status-change Notification",
    Resources: command.instanceIds.map((id) => nodeArn(id, region, account)),
    Detail: JSON.stringify({
      "command-id": command.id,
      "document-name": command.documentName,
      "expire-after": iso(command.expiresAfter),
      parameters: command.parameters,
      "requested-date-time": iso(command.requestedAt),
      status: command.status,
    }),
  };
}

function invocationEvent(
  command: CommandRecord,
  inv: InvocationRecord,
  region: string,
  account: string,
): PutEventsRequestEntry {
  return {
    Source: "aws.ssm",
    DetailType: "EC2 Command Invocation Status-change Notification",
    Resources: [nodeArn(inv.instanceId, region, account)],
    Detail: JSON.stringify({
      "command-id": command.id,
      "document-name": command.documentName,
      "instance-id": inv.instanceId,
      "requested-date-time": iso(command.requestedAt),
      status: inv.status,
    }),
  };
}

function notification(command: CommandRecord, now: number, inv?: InvocationRecord) {
  return {
    commandId: command.id,
    documentName: command.documentName,
    requestedDateTime: iso(command.requestedAt),
    expiresAfter: iso(command.expiresAfter),
    ...(inv
      ? { instanceId: inv.instanceId, status: inv.status, statusDetails: inv.statusDetails }
      : {
          instanceIds: command.instanceIds,
          status: command.status,
          statusDetails: command.statusDetails,
        }),
    eventTime: iso(inv?.endedAt ?? now),
  };
}

/** A managed node's ARN. */
export function nodeArn(id: string, region: string, account: string): string {
  return `arn:aws:ssm:${region}:${account}:managed-instance/${id}`;
}
