/** Row ↔ record mapping shared by the PostgreSQL workflow modules. */
import type { Json } from "../../../asl/json.js";
import type { ExecutionRecord, HistoryEventRecord, TaskRecord } from "../../workflows-port.js";
import type { Row } from "../database.js";

/** Drops undefined and null so optional record fields stay absent. */
function defined<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[])
    if (record[key] === undefined || record[key] === null) delete record[key];
  return record;
}

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
    details: row.details === null ? undefined : (JSON.parse(row.details as string) as Json),
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
    awaitsToken: row.awaits_token === true,
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

/** True for a unique violation (a name or key that already exists). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "23505";
}
