/** Row → record mapping of the workflow domain, shared by both adapters. */
import type { Json } from "../../asl/json.js";
import type { Page, PageRequest } from "../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../paging.js";
import type {
  ExecutionRecord,
  HistoryEventRecord,
  StateMachineAliasRecord,
  StateMachineRecord,
  StateMachineVersionRecord,
  TaskRecord,
} from "../workflows-port.js";
import { defined, flag, jsonOf, type Row } from "./common.js";

/** An `executions` row as the port's record. */
export function executionFromRow(row: Row): ExecutionRecord {
  return defined({
    arn: row.arn as string,
    stateMachineArn: row.state_machine_arn as string,
    qualifiedArn: row.qualified_arn as string | undefined,
    name: row.name as string,
    status: row.status as ExecutionRecord["status"],
    input: row.input as string,
    output: row.output as string | undefined,
    error: row.error as string | undefined,
    cause: row.cause as string | undefined,
    definition: row.definition as string,
    roleArn: row.role_arn as string,
    startedAt: row.started_at as number,
    stoppedAt: row.stopped_at as number | undefined,
    redriveCount: row.redrive_count as number,
    redrivenAt: row.redriven_at as number | undefined,
    parentTaskToken: row.parent_task_token as string | undefined,
  });
}

/** An `execution_history` row as the port's record. */
export function historyFromRow(row: Row): HistoryEventRecord {
  return defined({
    id: row.id as number,
    previousEventId: row.previous_id as number,
    type: row.type as HistoryEventRecord["type"],
    timestamp: row.timestamp as number,
    details: jsonOf<Json>(row.details),
  });
}

/** A `tasks` row as the port's record. */
export function taskFromRow(row: Row): TaskRecord {
  return defined({
    token: row.token as string,
    executionArn: row.execution_arn as string,
    frameId: row.frame_id as number,
    stateName: row.state_name as string,
    resource: row.resource as string,
    kind: row.kind as TaskRecord["kind"],
    awaitsToken: flag(row.awaits_token),
    parameters: row.parameters as string,
    idempotencyKey: row.idempotency_key as string,
    status: row.status as TaskRecord["status"],
    activityArn: row.activity_arn as string | undefined,
    workerName: row.worker_name as string | undefined,
    createdAt: row.created_at as number,
    startedAt: row.started_at as number | undefined,
    heartbeatSeconds: row.heartbeat_seconds as number | undefined,
    lastHeartbeatAt: row.last_heartbeat_at as number | undefined,
    output: row.output as string | undefined,
    error: row.error as string | undefined,
    cause: row.cause as string | undefined,
  });
}

/** A `state_machines` row as the port's record. */
export const machineFromRow = (row: Row): StateMachineRecord => {
  const record: StateMachineRecord = {
    arn: row.arn as string,
    name: row.name as string,
    type: row.type as StateMachineRecord["type"],
    definition: row.definition as string,
    roleArn: row.role_arn as string,
    revisionId: row.revision_id as string,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
  if (row.description !== null) record.description = row.description as string;
  if (row.tags !== null) record.tags = JSON.parse(row.tags as string);
  return record;
};

/** A `state_machine_versions` row as the port's record. */
export const versionFromRow = (row: Row): StateMachineVersionRecord => {
  const record: StateMachineVersionRecord = {
    arn: row.arn as string,
    stateMachineArn: row.state_machine_arn as string,
    version: row.version as number,
    definition: row.definition as string,
    roleArn: row.role_arn as string,
    revisionId: row.revision_id as string,
    createdAt: row.created_at as number,
  };
  if (row.description !== null) record.description = row.description as string;
  return record;
};

/** A `state_machine_aliases` row as the port's record. */
export const aliasFromRow = (row: Row): StateMachineAliasRecord => {
  const record: StateMachineAliasRecord = {
    arn: row.arn as string,
    stateMachineArn: row.state_machine_arn as string,
    name: row.name as string,
    routing: JSON.parse(row.routing as string),
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
  if (row.description !== null) record.description = row.description as string;
  return record;
};

/** Pages rows ordered by arn. */
export function pageByArn<T extends { arn: string }>(rows: T[], limit: number): Page<T> {
  return pageOf(rows, limit, (last) => last.arn);
}

/** The arn or name a page starts after ("" for the first page). */
export function after(page: PageRequest): string {
  return page.nextToken === undefined ? "" : decodePageToken(page.nextToken, isStringKey);
}

/** An activity as the port returns it. */
export type ActivityRecord = { arn: string; name: string; createdAt: number };

/** An `activities` row as the port's record. */
export const activityFromRow = (row: Row): ActivityRecord => ({
  arn: row.arn as string,
  name: row.name as string,
  createdAt: row.created_at as number,
});
