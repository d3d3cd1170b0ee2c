/** Row → record mapping shared by the PostgreSQL operations and incidents modules. */
import type { IncidentRecord, TimelineEntry } from "../../incidents-port.js";
import type {
  ApprovalRecord,
  ApprovalStatus,
  ApprovalVote,
  MessageRecord,
  NotificationDeliveryRecord,
  SubscriptionRecord,
  TopicRecord,
} from "../../ops-port.js";
import type { Row } from "../database.js";

/** Drops null and undefined columns so optional record fields stay absent. */
export function present<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[])
    if (record[key] === null || record[key] === undefined) delete record[key];
  return record;
}

export const topicOf = (row: Row): TopicRecord =>
  present({
    name: row.name as string,
    arn: row.arn as string,
    displayName: row.display_name as string | undefined,
    createdAt: row.created_at as number,
  });

export const subscriptionOf = (row: Row): SubscriptionRecord =>
  present({
    id: row.id as string,
    arn: row.arn as string,
    topicArn: row.topic_arn as string,
    protocol: row.protocol as SubscriptionRecord["protocol"],
    endpoint: row.endpoint as string,
    status: row.status as SubscriptionRecord["status"],
    sealedSecret: row.sealed_secret as string | undefined,
    confirmTokenHash: row.confirm_token_hash as string | undefined,
    createdAt: row.created_at as number,
    confirmedAt: row.confirmed_at as number | undefined,
  });

export const messageOf = (row: Row): MessageRecord =>
  present({
    id: row.id as string,
    topicArn: row.topic_arn as string | undefined,
    subject: row.subject as string | undefined,
    message: row.message as string,
    structure: row.structure as "json" | undefined,
    attributes: row.attributes as string | undefined,
    idempotencyKey: row.idempotency_key as string | undefined,
    publishedAt: row.published_at as number,
  });

export const deliveryOf = (row: Row): NotificationDeliveryRecord =>
  present({
    id: row.id as number,
    messageId: row.message_id as string,
    topicArn: row.topic_arn as string | undefined,
    subscriptionId: row.subscription_id as string | undefined,
    protocol: row.protocol as NotificationDeliveryRecord["protocol"],
    endpoint: row.endpoint as string,
    subject: row.subject as string | undefined,
    body: row.body as string,
    status: row.status as NotificationDeliveryRecord["status"],
    attempts: row.attempts as number,
    nextAttemptAt: row.next_attempt_at as number,
    lastError: row.last_error as string | undefined,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  });

export const voteOf = (row: Row): ApprovalVote =>
  present({
    voter: row.voter as string,
    vote: row.vote as ApprovalVote["vote"],
    comment: row.comment as string | undefined,
    via: row.via as string,
    at: row.at as number,
  });

/** An `approvals` row with its votes (oldest first). */
export const approvalOf = (row: Row, votes: ApprovalVote[]): ApprovalRecord =>
  present({
    id: row.id as string,
    taskToken: row.task_token as string,
    executionArn: row.execution_arn as string,
    stateName: row.state_name as string,
    title: row.title as string,
    description: row.description as string | undefined,
    data: row.data as string | undefined,
    approvers: JSON.parse(row.approvers as string) as string[],
    quorum: row.quorum as number,
    requester: row.requester as string | undefined,
    allowSelfApproval: row.allow_self_approval === true,
    deadlineAt: row.deadline_at as number | undefined,
    onDeadline:
      row.on_deadline === null
        ? undefined
        : (JSON.parse(row.on_deadline as string) as ApprovalRecord["onDeadline"]),
    escalations: row.escalations as number,
    status: row.status as ApprovalStatus,
    decidedAt: row.decided_at as number | undefined,
    decidedBy: row.decided_by as string | undefined,
    createdAt: row.created_at as number,
    votes,
  });

export const entryOf = (row: Row): TimelineEntry =>
  present({
    seq: row.seq as number,
    kind: row.kind as TimelineEntry["kind"],
    at: row.at as number,
    actor: row.actor as string,
    text: row.text as string | undefined,
    data: row.data as string | undefined,
  });

/** An `incidents` row with its timeline. */
export const incidentOf = (row: Row, timeline: TimelineEntry[]): IncidentRecord =>
  present({
    id: row.id as string,
    title: row.title as string,
    severity: row.severity as IncidentRecord["severity"],
    status: row.status as IncidentRecord["status"],
    dedupKey: row.dedup_key as string | undefined,
    sourceEvent: row.source_event as string | undefined,
    assignee: row.assignee as string | undefined,
    resolution: row.resolution as string | undefined,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    timeline,
  });

/** Groups child rows by their parent's id, in the order they came. */
export function groupBy<T>(rows: Row[], parent: string, map: (row: Row) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const id = row[parent] as string;
    const group = groups.get(id);
    if (group) group.push(map(row));
    else groups.set(id, [map(row)]);
  }
  return groups;
}
