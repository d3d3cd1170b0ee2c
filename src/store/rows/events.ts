/** Row → record mapping of the events domain, shared by both adapters. */
import type {
  ApiDestinationRecord,
  ArchiveRecord,
  ArchiveState,
  ConnectionRecord,
  DeadLetterRecord,
  DeliveryRecord,
  EventBusRecord,
  EventRuleRecord,
  EventSourceKind,
  EventSourceRecord,
  EventTarget,
  ReplayRecord,
  ReplayState,
  StoredEvent,
} from "../events-port.js";
import type { Row } from "./common.js";

/** An `event_connections` row as the port's record. */
export const connectionFromRow = (row: Row): ConnectionRecord => ({
  name: row.name as string,
  arn: row.arn as string,
  authorizationType: row.authorization_type as ConnectionRecord["authorizationType"],
  sealedAuth: row.sealed_auth as string,
  ...(row.auth_details !== null && { authDetails: row.auth_details as string }),
  state: row.state as string,
  ...(row.description !== null && { description: row.description as string }),
  createdAt: row.created_at as number,
  ...(row.updated_at !== null && { updatedAt: row.updated_at as number }),
});

/** An `event_api_destinations` row as the port's record. */
export const destinationFromRow = (row: Row): ApiDestinationRecord => ({
  name: row.name as string,
  arn: row.arn as string,
  connectionArn: row.connection_arn as string,
  endpoint: row.endpoint as string,
  httpMethod: row.http_method as string,
  ...(row.description !== null && { description: row.description as string }),
  ...(row.rate_limit_per_second !== null && {
    rateLimitPerSecond: row.rate_limit_per_second as number,
  }),
  createdAt: row.created_at as number,
  ...(row.updated_at !== null && { updatedAt: row.updated_at as number }),
});

/** An `event_buses` row as the port's record. */
export const busFromRow = (row: Row): EventBusRecord => ({
  name: row.name as string,
  arn: row.arn as string,
  ...(row.description !== null && { description: row.description as string }),
  createdAt: row.created_at as number,
});

/** A rule row as a record (optional columns left out when NULL). */
export function ruleFromRow(row: Row): EventRuleRecord {
  const record: EventRuleRecord = {
    eventBusName: row.bus as string,
    name: row.name as string,
    arn: row.arn as string,
    state: row.state as EventRuleRecord["state"],
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
  if (row.event_pattern !== null) record.eventPattern = row.event_pattern as string;
  if (row.schedule_expression !== null)
    record.scheduleExpression = row.schedule_expression as string;
  if (row.description !== null) record.description = row.description as string;
  if (row.role_arn !== null) record.roleArn = row.role_arn as string;
  if (row.next_fire_at !== null) record.nextFireAt = row.next_fire_at as number;
  return record;
}

/** An `event_archives` row as the port's record. */
export const archiveFromRow = (row: Row): ArchiveRecord => ({
  name: row.name as string,
  arn: row.arn as string,
  eventBusName: row.bus as string,
  ...(row.event_pattern !== null && { eventPattern: row.event_pattern as string }),
  ...(row.description !== null && { description: row.description as string }),
  retentionDays: row.retention_days as number,
  state: row.state as ArchiveState,
  eventCount: row.event_count as number,
  sizeBytes: row.size_bytes as number,
  createdAt: row.created_at as number,
  updatedAt: row.updated_at as number,
});

/** An `event_replays` row as the port's record. */
export function replayFromRow(row: Row): ReplayRecord {
  const record: ReplayRecord = {
    name: row.name as string,
    arn: row.arn as string,
    archiveName: row.archive as string,
    archiveArn: row.archive_arn as string,
    destinationBus: row.destination_bus as string,
    destinationArn: row.destination_arn as string,
    eventStart: row.event_start as number,
    eventEnd: row.event_end as number,
    state: row.state as ReplayState,
    replayStart: row.replay_start as number,
  };
  if (row.description !== null) record.description = row.description as string;
  if (row.filter_arns !== null) record.filterArns = JSON.parse(row.filter_arns as string);
  if (row.state_reason !== null) record.stateReason = row.state_reason as string;
  if (row.cursor_at !== null)
    record.cursor = { eventTime: row.cursor_at as number, eventId: row.cursor_id as string };
  if (row.last_replayed_at !== null) record.lastReplayedAt = row.last_replayed_at as number;
  if (row.replay_end !== null) record.replayEnd = row.replay_end as number;
  return record;
}

/** The event columns of a delivery or dead-letter row. */
export const eventOf = (row: Row): StoredEvent => ({
  id: row.event_id as string,
  eventBusName: row.event_bus as string,
  envelope: row.envelope as string,
  ingestedAt: row.ingested_at as number,
});

/** An `event_deliveries` row joined with its event, as the port's record. */
export function deliveryFromRow(row: Row): DeliveryRecord {
  const record: DeliveryRecord = {
    id: row.id as number,
    event: eventOf(row),
    ruleName: row.rule as string,
    ruleArn: row.rule_arn as string,
    target: JSON.parse(row.target as string) as EventTarget,
    attempts: row.attempts as number,
    ageFrom: row.age_from as number,
  };
  if (row.last_error !== null) record.lastError = row.last_error as string;
  return record;
}

/** An `event_dead_letters` row joined with its event, as the port's record. */
export const deadLetterFromRow = (row: Row): DeadLetterRecord => ({
  id: row.id as number,
  event: eventOf(row),
  ruleName: row.rule as string,
  ruleArn: row.rule_arn as string,
  target: JSON.parse(row.target as string) as EventTarget,
  attempts: row.attempts as number,
  errorCode: row.error_code as string,
  errorMessage: row.error_message as string,
  failedAt: row.failed_at as number,
});

/** An `event_sources` row (a webhook source) as the port's record. */
export const sourceFromRow = (row: Row): EventSourceRecord => ({
  kind: row.kind as EventSourceKind,
  name: row.name as string,
  tokenHash: row.token_hash as string,
  eventBusName: row.bus as string,
  createdAt: row.created_at as number,
});
