/**
 * The `Filters` of ListCommands and ListCommandInvocations (`key`/`value`): InvokedAfter and
 * InvokedBefore (timestamps), Status, DocumentName and ExecutionStage (Executing: Pending,
 * InProgress, Cancelling; Complete: the terminal statuses). Invocations are filtered by
 * Status and ExecutionStage only.
 */
import { FleetError } from "../../../fleet/errors.js";
import type {
  CommandFilter,
  CommandStatus,
  InvocationFilter,
  InvocationStatus,
} from "../../../store/fleet-port.js";
import { type Members, optional, required, str, structures } from "../sfn/members.js";
import { fromAwsTimestamp } from "../timestamp.js";

const COMMAND_STATUSES: CommandStatus[] = [
  "Pending",
  "InProgress",
  "Success",
  "Cancelled",
  "Failed",
  "TimedOut",
  "Cancelling",
];
const INVOCATION_STATUSES: InvocationStatus[] = [...COMMAND_STATUSES, "Delayed"];
const EXECUTING: InvocationStatus[] = ["Pending", "InProgress", "Delayed", "Cancelling"];

const badValue = (key: string, value: string, allowed: string) =>
  new FleetError(
    "ValidationException",
    `${value} is not a valid value for filter ${key}: use ${allowed}.`,
  );

/** The request's filters as key/value pairs (1 to 5, each value 1 to 128 characters). */
function pairs(request: Members): { key: string; value: string }[] {
  const list = optional(request, "Filters", structures);
  if (list === undefined) return [];
  if (list.length < 1 || list.length > 5)
    throw new FleetError("ValidationException", "Filters takes 1 to 5 filters.");
  return list.map((f) => ({
    key: required(f, "key", str),
    value: required(f, "value", (m, n) => str(m, n, { max: 128 })),
  }));
}

/** Statuses a Status or ExecutionStage filter allows, narrowing those already allowed. */
function narrow<T extends string>(current: T[] | undefined, allowed: T[]): T[] {
  return current ? current.filter((s) => allowed.includes(s)) : allowed;
}

function stage<T extends string>(key: string, value: string, all: T[]): T[] {
  if (value === "Executing") return all.filter((s) => (EXECUTING as string[]).includes(s));
  if (value === "Complete") return all.filter((s) => !(EXECUTING as string[]).includes(s));
  throw badValue(key, value, "Executing or Complete");
}

/** ListCommands' filter from CommandId, InstanceId and Filters. */
export function commandFilterOf(request: Members): CommandFilter {
  const filter: CommandFilter = {};
  const commandId = optional(request, "CommandId", str);
  const instanceId = optional(request, "InstanceId", str);
  if (commandId !== undefined) filter.commandId = commandId;
  if (instanceId !== undefined) filter.instanceId = instanceId;
  for (const { key, value } of pairs(request)) {
    if (key === "InvokedAfter" || key === "InvokedBefore") {
      const at = fromAwsTimestamp(value)?.getTime();
      if (at === undefined) throw badValue(key, value, "a timestamp such as 2024-01-31T12:00:00Z");
      if (key === "InvokedAfter") filter.invokedAfter = at;
      else filter.invokedBefore = at;
    } else if (key === "Status") {
      if (!(COMMAND_STATUSES as string[]).includes(value))
        throw badValue(key, value, COMMAND_STATUSES.join(", "));
      filter.statuses = narrow(filter.statuses, [value as CommandStatus]);
    } else if (key === "ExecutionStage")
      filter.statuses = narrow(filter.statuses, stage(key, value, COMMAND_STATUSES));
    else if (key === "DocumentName") filter.documentName = value;
    else throw new FleetError("InvalidFilterKey", `${key} is not a filter key of ListCommands.`);
  }
  return filter;
}

/** ListCommandInvocations' filter from CommandId, InstanceId and Filters. */
export function invocationFilterOf(request: Members): InvocationFilter {
  const filter: InvocationFilter = {};
  const commandId = optional(request, "CommandId", str);
  const instanceId = optional(request, "InstanceId", str);
  if (commandId !== undefined) filter.commandId = commandId;
  if (instanceId !== undefined) filter.instanceId = instanceId;
  for (const { key, value } of pairs(request)) {
    if (key === "Status") {
      if (!(INVOCATION_STATUSES as string[]).includes(value))
        throw badValue(key, value, INVOCATION_STATUSES.join(", "));
      filter.statuses = narrow(filter.statuses, [value as InvocationStatus]);
    } else if (key === "ExecutionStage")
      filter.statuses = narrow(filter.statuses, stage(key, value, INVOCATION_STATUSES));
    else
      throw new FleetError(
        "InvalidFilterKey",
        `${key} is not supported by ListCommandInvocations here: use Status or ExecutionStage.`,
      );
  }
  return filter;
}
