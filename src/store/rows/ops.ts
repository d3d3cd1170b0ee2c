/** Row → record mapping of the operations domain (topics, notifications, approvals), shared by both adapters. */
import type {
  ApprovalChange,
  ApprovalRecord,
  ApprovalStatus,
  ApprovalVote,
  MessageRecord,
  NotificationDeliveryRecord,
  SubscriptionRecord,
  TopicRecord,
} from "../ops-port.js";
import { defined, flag, jsonOf, type Row } from "./common.js";

/** A `topics` row as the port's record. */
export const topicOf = (row: Row): TopicRecord =>
  defined({
    name: row.name as string,
    arn: row.arn as string,
    displayName: row.display_name as string | undefined,
    createdAt: row.created_at as number,
  });

/** A `subscriptions` row as the port's record. */
export const subscriptionOf = (row: Row): SubscriptionRecord =>
  defined({
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

/** A `notification_messages` row as the port's record. */
export const messageOf = (row: Row): MessageRecord =>
  defined({
    id: row.id as string,
    topicArn: row.topic_arn as string | undefined,
    subject: row.subject as string | undefined,
    message: row.message as string,
    structure: row.structure as "json" | undefined,
    attributes: row.attributes as string | undefined,
    idempotencyKey: row.idempotency_key as string | undefined,
    publishedAt: row.published_at as number,
  });

/** A `notification_deliveries` row as the port's record. */
export const deliveryOf = (row: Row): NotificationDeliveryRecord =>
  defined({
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

/** An `approval_votes` row as the port's record. */
export const voteOf = (row: Row): ApprovalVote =>
  defined({
    voter: row.voter as string,
    vote: row.vote as ApprovalVote["vote"],
    comment: row.comment as string | undefined,
    via: row.via as string,
    at: row.at as number,
  });

/** An `approvals` row with its votes (oldest first). */
export const approvalOf = (row: Row, votes: ApprovalVote[]): ApprovalRecord =>
  defined({
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
    allowSelfApproval: flag(row.allow_self_approval),
    deadlineAt: row.deadline_at as number | undefined,
    onDeadline: jsonOf<ApprovalRecord["onDeadline"]>(row.on_deadline),
    escalations: row.escalations as number,
    status: row.status as ApprovalStatus,
    decidedAt: row.decided_at as number | undefined,
    decidedBy: row.decided_by as string | undefined,
    createdAt: row.created_at as number,
    votes,
  });

/**
 * Why a vote is refused before the caller's verdict is asked (already decided, past its
 * deadline, or the voter already voted), in the order both adapters check; undefined when the
 * vote may be counted. The used-link check comes first and reads the database, so it stays in
 * the adapters.
 */
export function voteRefusal(
  approval: ApprovalRecord,
  vote: ApprovalVote,
  now: number,
): ApprovalChange | undefined {
  const id = approval.id;
  if (approval.status !== "PENDING")
    return {
      kind: "refused",
      code: "conflict",
      reason: `Approval ${id} is already decided (${approval.status}); it does not change.`,
    };
  if (approval.deadlineAt !== undefined && approval.deadlineAt <= now)
    return {
      kind: "refused",
      code: "expired",
      reason: `Approval ${id} passed its deadline (${new Date(approval.deadlineAt).toISOString()}).`,
    };
  if (approval.votes.some((v) => v.voter === vote.voter))
    return {
      kind: "refused",
      code: "conflict",
      reason: `${vote.voter} already voted on approval ${id}: one vote per person.`,
    };
  return undefined;
}

/**
 * Whether a deadline a caller saw still applies: the request is pending, its deadline is still
 * the one seen (no escalation moved it) and has passed.
 */
export function deadlineApplies(
  approval: ApprovalRecord | undefined,
  expectedDeadline: number,
  now: number,
): approval is ApprovalRecord {
  return (
    approval?.status === "PENDING" &&
    approval.deadlineAt === expectedDeadline &&
    expectedDeadline <= now
  );
}
