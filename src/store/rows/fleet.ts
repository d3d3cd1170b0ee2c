/** Row ↔ record mapping of the fleet domain, shared by both adapters. */
import type {
  ActivationRecord,
  CommandProgress,
  CommandRecord,
  DocumentRecord,
  DocumentVersionRecord,
  InvocationPhase,
  InvocationRecord,
  ManagedNodeRecord,
  NodeConnection,
  NodeInfo,
  Tag,
} from "../fleet-port.js";
import { defined, flag, jsonOf, type Row } from "./common.js";

// ---------------------------------------------------------------- rows → records

export const activationFromRow = (row: Row): ActivationRecord =>
  defined({
    id: row.id as string,
    codeHash: row.code_hash as string,
    description: row.description as string | undefined,
    defaultInstanceName: row.default_instance_name as string | undefined,
    iamRole: row.iam_role as string,
    registrationLimit: row.registration_limit as number,
    registrationsCount: row.registrations_count as number,
    expiresAt: row.expires_at as number,
    createdAt: row.created_at as number,
    tags: jsonOf<Tag[]>(row.tags) ?? [],
  });

export const nodeFromRow = (row: Row): ManagedNodeRecord =>
  defined({
    id: row.id as string,
    activationId: row.activation_id as string | undefined,
    name: row.name as string | undefined,
    connection: jsonOf<NodeConnection>(row.connection) as NodeConnection,
    info: jsonOf<NodeInfo>(row.info),
    registeredAt: row.registered_at as number,
    lastPingAt: row.last_ping_at as number | undefined,
    tags: jsonOf<Tag[]>(row.tags) ?? [],
  });

export const documentFromRow = (row: Row): DocumentRecord => ({
  name: row.name as string,
  documentType: row.document_type as DocumentRecord["documentType"],
  latestVersion: row.latest_version as number,
  defaultVersion: row.default_version as number,
  tags: jsonOf<Tag[]>(row.tags) ?? [],
  createdAt: row.created_at as number,
});

export const documentVersionFromRow = (row: Row): DocumentVersionRecord =>
  defined({
    name: row.name as string,
    version: row.version as number,
    versionName: row.version_name as string | undefined,
    documentType: row.document_type as DocumentVersionRecord["documentType"],
    format: row.format as DocumentVersionRecord["format"],
    content: row.content as string,
    hash: row.hash as string,
    description: row.description as string | undefined,
    createdAt: row.created_at as number,
    createdBy: row.created_by as string,
  });

export const progressFromRow = (row: Row): CommandProgress => ({
  concurrencyLimit: row.concurrency_limit as number,
  errorLimit: row.error_limit as number,
  targetCount: row.target_count as number,
  completedCount: row.completed_count as number,
  successCount: row.success_count as number,
  errorCount: row.error_count as number,
  deliveryTimedOutCount: row.delivery_timed_out_count as number,
  queuedCount: row.queued_count as number,
  inFlightCount: row.in_flight_count as number,
  cancelRequested: flag(row.cancel_requested),
});

export const commandFromRow = (row: Row): CommandRecord =>
  defined({
    id: row.id as string,
    documentName: row.document_name as string,
    documentVersion: row.document_version as string,
    documentContent: row.document_content as string,
    parameters: jsonOf<Record<string, string[]>>(row.parameters) ?? {},
    instanceIds: jsonOf<string[]>(row.instance_ids) ?? [],
    targets: jsonOf<CommandRecord["targets"]>(row.targets) ?? [],
    comment: row.comment as string,
    requestedAt: row.requested_at as number,
    expiresAfter: row.expires_after as number,
    timeoutSeconds: row.timeout_seconds as number,
    executionTimeoutSeconds: row.execution_timeout_seconds as number,
    maxConcurrency: row.max_concurrency as string,
    maxErrors: row.max_errors as string,
    status: row.status as CommandRecord["status"],
    statusDetails: row.status_details as CommandRecord["statusDetails"],
    progress: progressFromRow(row),
    requestedBy: row.requested_by as string,
    notification: jsonOf<CommandRecord["notification"]>(row.notification),
    serviceRoleArn: row.service_role_arn as string | undefined,
    waiter:
      row.waiter_token === null || row.waiter_token === undefined
        ? undefined
        : { taskToken: row.waiter_token as string, settled: flag(row.waiter_settled) },
  });

export const invocationFromRow = (row: Row): InvocationRecord =>
  defined({
    commandId: row.command_id as string,
    instanceId: row.instance_id as string,
    ordinal: row.ordinal as number,
    phase: row.phase as InvocationPhase,
    status: row.status as InvocationRecord["status"],
    statusDetails: row.status_details as InvocationRecord["statusDetails"],
    responseCode: row.response_code as number,
    instanceName: row.instance_name as string,
    requestedAt: row.requested_at as number,
    deliveredAt: row.delivered_at as number | undefined,
    deliveryAttempts: row.delivery_attempts as number,
    startedAt: row.started_at as number | undefined,
    endedAt: row.ended_at as number | undefined,
    cancelRequested: flag(row.cancel_requested),
    stdoutBytes: row.stdout_bytes as number,
    stderrBytes: row.stderr_bytes as number,
    outputTruncated: flag(row.output_truncated),
    owner: row.owner as string | undefined,
  });

// ---------------------------------------------------------------- records → columns

/** A command's columns in the order of {@link COMMAND_COLUMNS}. */
export function commandValues(command: CommandRecord): unknown[] {
  const p = command.progress;
  return [
    command.id,
    command.documentName,
    command.documentVersion,
    JSON.stringify(command.parameters),
    JSON.stringify(command.instanceIds),
    JSON.stringify(command.targets),
    command.comment,
    command.requestedAt,
    command.expiresAfter,
    command.timeoutSeconds,
    command.executionTimeoutSeconds,
    command.maxConcurrency,
    command.maxErrors,
    command.status,
    command.statusDetails,
    p.concurrencyLimit,
    p.errorLimit,
    p.targetCount,
    p.completedCount,
    p.successCount,
    p.errorCount,
    p.deliveryTimedOutCount,
    p.queuedCount,
    p.inFlightCount,
    p.cancelRequested,
    command.requestedBy,
    command.notification === undefined ? null : JSON.stringify(command.notification),
    command.serviceRoleArn ?? null,
    command.documentContent,
    command.waiter?.taskToken ?? null,
    command.waiter === undefined ? null : command.waiter.settled,
  ];
}

/** The `commands` columns {@link commandValues} fills. */
export const COMMAND_COLUMNS = `id, document_name, document_version, parameters, instance_ids,
  targets, comment, requested_at, expires_after, timeout_seconds, execution_timeout_seconds,
  max_concurrency, max_errors, status, status_details, concurrency_limit, error_limit,
  target_count, completed_count, success_count, error_count, delivery_timed_out_count,
  queued_count, in_flight_count, cancel_requested, requested_by, notification, service_role_arn,
  document_content, waiter_token, waiter_settled`;

/** `?, ?, ...` or `$1, $2, ...`: one placeholder per column of {@link COMMAND_COLUMNS}. */
export function commandPlaceholders(numbered: boolean): string {
  const count = COMMAND_COLUMNS.split(",").length;
  return Array.from({ length: count }, (_, i) => (numbered ? `$${i + 1}` : "?")).join(", ");
}

/** A node's columns (managed_nodes), named for SQLite's `@name` and PostgreSQL's `$n` alike. */
export function nodeValues(node: ManagedNodeRecord) {
  return {
    id: node.id,
    activationId: node.activationId ?? null,
    name: node.name ?? null,
    connectionKind: node.connection.kind,
    connection: JSON.stringify(node.connection),
    platformType: node.info?.platformType ?? null,
    info: node.info === undefined ? null : JSON.stringify(node.info),
    registeredAt: node.registeredAt,
    lastPingAt: node.lastPingAt ?? null,
    tags: JSON.stringify(node.tags),
  };
}
