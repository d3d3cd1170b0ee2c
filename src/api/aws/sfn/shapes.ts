/** Records in the Step Functions wire shapes (camelCase members, epoch-second timestamps). */
import type {
  ExecutionRecord,
  StateMachineAliasRecord,
  StateMachineRecord,
  StateMachineVersionRecord,
} from "../../../store/workflows-port.js";
import { toAwsTimestamp } from "../timestamp.js";

const ts = (ms: number) => toAwsTimestamp(new Date(ms));

export function describeStateMachine(
  record: StateMachineRecord | StateMachineVersionRecord,
  name: string,
  type: string,
) {
  return {
    stateMachineArn: record.arn,
    name,
    status: "ACTIVE",
    definition: record.definition,
    roleArn: record.roleArn,
    type,
    creationDate: ts(record.createdAt),
    revisionId: record.revisionId,
    ...(record.description !== undefined && { description: record.description }),
    loggingConfiguration: { level: "OFF", includeExecutionData: false },
    tracingConfiguration: { enabled: false },
  };
}

export function executionSummary(record: ExecutionRecord) {
  return {
    executionArn: record.arn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: ts(record.startedAt),
    ...(record.stoppedAt !== undefined && { stopDate: ts(record.stoppedAt) }),
    ...(record.qualifiedArn !== undefined && qualifier(record.qualifiedArn)),
    redriveCount: record.redriveCount,
    ...(record.redrivenAt !== undefined && { redriveDate: ts(record.redrivenAt) }),
  };
}

export function describeExecution(record: ExecutionRecord) {
  return {
    ...executionSummary(record),
    input: record.input,
    inputDetails: { included: true },
    ...(record.output !== undefined && {
      output: record.output,
      outputDetails: { included: true },
    }),
    ...(record.error !== undefined && { error: record.error }),
    ...(record.cause !== undefined && { cause: record.cause }),
    redriveStatus:
      record.status === "RUNNING" || record.status === "SUCCEEDED"
        ? "NOT_REDRIVABLE"
        : "REDRIVABLE",
  };
}

/** Version ARNs end in a number, alias ARNs in a name. */
function qualifier(arn: string) {
  return /:\d+$/.test(arn) ? { stateMachineVersionArn: arn } : { stateMachineAliasArn: arn };
}

export function versionSummary(record: StateMachineVersionRecord) {
  return { stateMachineVersionArn: record.arn, creationDate: ts(record.createdAt) };
}

export function describeAlias(record: StateMachineAliasRecord) {
  return {
    stateMachineAliasArn: record.arn,
    name: record.name,
    ...(record.description !== undefined && { description: record.description }),
    routingConfiguration: record.routing,
    creationDate: ts(record.createdAt),
    updateDate: ts(record.updatedAt),
  };
}
