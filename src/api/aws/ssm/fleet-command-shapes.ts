/**
 * Systems Manager wire shapes of Run Command: Command, CommandInvocation, CommandPlugin and
 * GetCommandInvocation's answer. Output to S3 and CloudWatch is not kept, so those members
 * are empty as SSM sends them when not configured. Output is kept per invocation, not per
 * step: with several steps, the first plugin carries the invocation's output.
 */
import type {
  CommandRecord,
  InvocationRecord,
  InvocationStatus,
} from "../../../store/fleet-port.js";
import { ts } from "./fleet-shapes.js";

/** What SSM sends for output settings that are not configured. */
const NO_CLOUDWATCH = { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false };

/** The NotificationConfig of a command (empty members when it has none, as SSM sends). */
export function notificationShape(command: CommandRecord) {
  const n = command.notification;
  return n
    ? { NotificationArn: n.topicArn, NotificationEvents: n.events, NotificationType: n.type }
    : { NotificationArn: "", NotificationEvents: [], NotificationType: "" };
}

/** SendCommand's and ListCommands' `Command`. */
export function commandShape(command: CommandRecord, region: string) {
  const p = command.progress;
  return {
    CommandId: command.id,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    Comment: command.comment,
    ExpiresAfter: ts(command.expiresAfter),
    Parameters: command.parameters,
    InstanceIds: command.instanceIds,
    Targets: command.targets,
    RequestedDateTime: ts(command.requestedAt),
    Status: command.status,
    StatusDetails: command.statusDetails,
    OutputS3Region: region,
    OutputS3BucketName: "",
    OutputS3KeyPrefix: "",
    MaxConcurrency: command.maxConcurrency,
    MaxErrors: command.maxErrors,
    TargetCount: p.targetCount,
    CompletedCount: p.completedCount,
    ErrorCount: p.errorCount,
    DeliveryTimedOutCount: p.deliveryTimedOutCount,
    ServiceRole: command.serviceRoleArn ?? "",
    NotificationConfig: notificationShape(command),
    CloudWatchOutputConfig: NO_CLOUDWATCH,
    TimeoutSeconds: command.timeoutSeconds,
  };
}

/** The step names of the document a command runs (its plugins), in order. */
export function pluginNames(command: CommandRecord): string[] {
  try {
    const parsed = JSON.parse(command.documentContent) as { mainSteps?: { name?: unknown }[] };
    const names = (parsed.mainSteps ?? [])
      .map((step) => step.name)
      .filter((n) => typeof n === "string");
    if (names.length > 0) return names as string[];
  } catch {
    // A command always stores its parsed document; the fallback keeps the listing answering.
  }
  return [command.documentName];
}

/** A plugin's Status: SSM's plugin statuses have no Delayed or Cancelling. */
function pluginStatus(status: InvocationStatus) {
  if (status === "Delayed") return "Pending";
  if (status === "Cancelling") return "InProgress";
  return status;
}

/** SSM's plugin Output: stdout, then stderr after its marker, cut at 2,500 characters. */
export const PLUGIN_OUTPUT_CHARS = 2_500;
export function pluginOutput(stdout: string, stderr: string): string {
  const text = stderr === "" ? stdout : `${stdout}\n----------ERROR-------\n${stderr}`;
  return [...text].slice(0, PLUGIN_OUTPUT_CHARS).join("");
}

/** ListCommandInvocations' `CommandInvocation`; `output` given when Details was asked for. */
export function invocationShape(
  invocation: InvocationRecord,
  command: CommandRecord,
  region: string,
  output: string | undefined,
) {
  const plugins =
    output === undefined
      ? []
      : pluginNames(command).map((name, i) => ({
          Name: name,
          Status: pluginStatus(invocation.status),
          StatusDetails: invocation.statusDetails,
          ResponseCode: invocation.responseCode,
          ...(invocation.startedAt !== undefined && {
            ResponseStartDateTime: ts(invocation.startedAt),
          }),
          ...(invocation.endedAt !== undefined && {
            ResponseFinishDateTime: ts(invocation.endedAt),
          }),
          Output: i === 0 ? output : "",
          StandardOutputUrl: "",
          StandardErrorUrl: "",
          OutputS3Region: region,
          OutputS3BucketName: "",
          OutputS3KeyPrefix: "",
        }));
  return {
    CommandId: invocation.commandId,
    InstanceId: invocation.instanceId,
    InstanceName: invocation.instanceName,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    RequestedDateTime: ts(invocation.requestedAt),
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    TraceOutput: "",
    StandardOutputUrl: "",
    StandardErrorUrl: "",
    CommandPlugins: plugins,
    ServiceRole: command.serviceRoleArn ?? "",
    NotificationConfig: notificationShape(command),
    CloudWatchOutputConfig: NO_CLOUDWATCH,
  };
}

/** ISO 8601 as GetCommandInvocation's StringDateTime members carry it ("" when unknown). */
const isoOf = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString());

/** An ISO 8601 duration, as ExecutionElapsedTime ("PT1.234S"). */
function elapsedOf(start: number | undefined, end: number | undefined): string {
  if (start === undefined || end === undefined) return "";
  return `PT${(Math.max(0, end - start) / 1000).toFixed(3).replace(/\.?0+$/, "")}S`;
}

/** GetCommandInvocation's answer. */
export function commandInvocationResult(
  invocation: InvocationRecord,
  command: CommandRecord,
  pluginName: string,
  content: { stdout: string; stderr: string },
) {
  return {
    CommandId: invocation.commandId,
    InstanceId: invocation.instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    PluginName: pluginName,
    ResponseCode: invocation.responseCode,
    ExecutionStartDateTime: isoOf(invocation.startedAt),
    ExecutionElapsedTime: elapsedOf(invocation.startedAt, invocation.endedAt),
    ExecutionEndDateTime: isoOf(invocation.endedAt),
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    StandardOutputContent: content.stdout,
    StandardOutputUrl: "",
    StandardErrorContent: content.stderr,
    StandardErrorUrl: "",
    CloudWatchOutputConfig: NO_CLOUDWATCH,
  };
}
