/**
 * The operations part of the store port: notification topics, subscriptions, messages and
 * their durable deliveries, and approval requests with their votes. `Store` extends it.
 */
import type { Page, PageRequest } from "./paging.js";

/** A notification topic (SNS-shaped ARN). */
export interface TopicRecord {
  name: string;
  arn: string;
  displayName?: string;
  createdAt: number;
}

/** How a subscription receives messages. */
export type SubscriptionProtocol = "email" | "http" | "https" | "slack";

/** A subscription to a topic. */
export interface SubscriptionRecord {
  id: string;
  arn: string;
  topicArn: string;
  protocol: SubscriptionProtocol;
  endpoint: string;
  /** Email subscriptions are pending until confirmed by their link; others start confirmed. */
  status: "pending" | "confirmed";
  /** The webhook's HMAC secret, sealed with the master key (context: the subscription id). */
  sealedSecret?: string;
  /** SHA-256 of the confirmation token (email), until confirmed. */
  confirmTokenHash?: string;
  createdAt: number;
  confirmedAt?: number;
}

/** A published message. */
export interface MessageRecord {
  id: string;
  topicArn?: string;
  subject?: string;
  message: string;
  /** `json` when Message holds per-protocol texts. */
  structure?: "json";
  /** MessageAttributes as JSON text. */
  attributes?: string;
  idempotencyKey?: string;
  publishedAt: number;
}

/** A delivery to create: what one recipient receives. */
export interface NewNotificationDelivery {
  subscriptionId?: string;
  protocol: SubscriptionProtocol;
  endpoint: string;
  subject?: string;
  /** The rendered body (email text, webhook JSON). */
  body: string;
}

/** A notification delivery, pending or ended. */
export interface NotificationDeliveryRecord extends NewNotificationDelivery {
  id: number;
  messageId: string;
  topicArn?: string;
  status: "pending" | "delivered" | "failed";
  /** Attempts made so far. */
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  createdAt: number;
  updatedAt: number;
}

/** How an attempt ended. */
export type NotificationOutcome =
  | { kind: "delivered" }
  | { kind: "retry"; at: number; error: string }
  | { kind: "failed"; error: string };

/** Filter of the deliveries listing. */
export interface DeliveryFilter {
  topicArn?: string;
  messageId?: string;
  status?: NotificationDeliveryRecord["status"];
}

/** Final states of an approval request. */
export type ApprovalStatus = "PENDING" | "APPROVED" | "REJECTED" | "EXPIRED" | "CANCELLED";

/** What happens when a request's deadline passes undecided. */
export type DeadlineAction =
  | { action: "Expire" }
  | { action: "Reject" }
  | { action: "Approve" }
  | { action: "Escalate"; approvers: string[]; seconds: number; next: DeadlineAction };

/** One vote. */
export interface ApprovalVote {
  voter: string;
  vote: "approve" | "reject";
  comment?: string;
  /** `api` or `link`. */
  via: string;
  at: number;
}

/** An approval request. */
export interface ApprovalRecord {
  id: string;
  taskToken: string;
  executionArn: string;
  stateName: string;
  title: string;
  description?: string;
  /** The data to review, JSON text. */
  data?: string;
  /** `user:NAME` or `group:NAME` entries. */
  approvers: string[];
  quorum: number;
  requester?: string;
  allowSelfApproval: boolean;
  deadlineAt?: number;
  onDeadline?: DeadlineAction;
  escalations: number;
  status: ApprovalStatus;
  decidedAt?: number;
  /** Who decided it: voters, or `opsflow:deadline`. */
  decidedBy?: string;
  createdAt: number;
  votes: ApprovalVote[];
}

/**
 * What a vote does, decided by the caller inside the store's transaction from the request as
 * it is there: refuse (nothing changes), record only, or record and decide (settling the task).
 */
export type VoteVerdict =
  | { kind: "refuse"; reason: string; code: "conflict" | "forbidden" | "expired" }
  | { kind: "record" }
  | {
      kind: "decide";
      status: "APPROVED" | "REJECTED";
      outcome: { output: string } | { error: string; cause: string };
    };

/** What a deadline does, decided inside the transaction like a vote. */
export type DeadlineVerdict =
  | {
      kind: "decide";
      status: "APPROVED" | "REJECTED" | "EXPIRED";
      outcome: { output: string } | { error: string; cause: string };
    }
  | { kind: "escalate"; approvers: string[]; deadlineAt: number; onDeadline: DeadlineAction };

/** The result of a vote or a deadline. */
export type ApprovalChange =
  | { kind: "refused"; reason: string; code: "conflict" | "forbidden" | "expired" | "not-found" }
  | { kind: "recorded"; approval: ApprovalRecord }
  | { kind: "decided"; approval: ApprovalRecord; settled: boolean }
  | { kind: "escalated"; approval: ApprovalRecord };

/** The operations store. All methods are atomic. */
export interface OpsStore {
  /** StoreConflictError("exists") when the name is taken. */
  createTopic(record: TopicRecord): Promise<void>;
  getTopic(nameOrArn: string): Promise<TopicRecord | undefined>;
  listTopics(): Promise<TopicRecord[]>;
  /** Deletes the topic and its subscriptions (pending deliveries still go out). */
  deleteTopic(name: string): Promise<boolean>;

  createSubscription(record: SubscriptionRecord): Promise<void>;
  getSubscription(id: string): Promise<SubscriptionRecord | undefined>;
  listSubscriptions(topicArn: string): Promise<SubscriptionRecord[]>;
  deleteSubscription(id: string): Promise<boolean>;
  /** Confirms the pending subscription with that token hash; undefined when none. */
  confirmSubscription(tokenHash: string, now: number): Promise<SubscriptionRecord | undefined>;

  /**
   * Stores a message and its deliveries in one transaction. When a message with the same
   * idempotency key exists, nothing is stored and that message is returned.
   */
  publishMessage(
    message: MessageRecord,
    deliveries: NewNotificationDelivery[],
  ): Promise<{ message: MessageRecord; created: boolean }>;
  /** Leases up to `limit` due pending deliveries for `owner`. */
  claimNotificationDeliveries(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<NotificationDeliveryRecord[]>;
  settleNotificationDelivery(id: number, outcome: NotificationOutcome, now: number): Promise<void>;
  nextNotificationDeliveryAt(): Promise<number | undefined>;
  /**
   * Forgets the delivery leases whose owner starts with `ownerPrefix` (a node's previous
   * process, at its start-up); the embedded store, one process per file, forgets them all.
   */
  recoverNotificationLeases(ownerPrefix: string): Promise<void>;
  listNotificationDeliveries(
    filter: DeliveryFilter,
    page: PageRequest,
  ): Promise<Page<NotificationDeliveryRecord>>;

  /** Creates an approval request; an existing one with the same task token is returned instead. */
  openApproval(
    record: Omit<ApprovalRecord, "votes">,
    mails: { messageId: string; deliveries: NewNotificationDelivery[] },
  ): Promise<ApprovalRecord>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  listApprovals(
    filter: { status?: ApprovalStatus },
    page: PageRequest,
  ): Promise<Page<ApprovalRecord>>;
  /**
   * Records a vote in one transaction: the verdict is computed from the request as stored
   * (with the new vote), a decision settles the task in the same transaction, and a link's
   * signature digest (when given) is marked used. Concurrent votes thus yield one outcome.
   */
  voteApproval(
    id: string,
    vote: ApprovalVote,
    verdict: (approval: ApprovalRecord) => VoteVerdict,
    now: number,
    linkHash?: string,
  ): Promise<ApprovalChange>;
  /** Pending requests whose deadline is at or before `now`. */
  dueApprovals(now: number): Promise<ApprovalRecord[]>;
  nextApprovalDeadline(): Promise<number | undefined>;
  /** Applies a deadline when the request is still pending with that deadline. */
  applyApprovalDeadline(
    id: string,
    expectedDeadline: number,
    verdict: (approval: ApprovalRecord) => DeadlineVerdict,
    now: number,
    mails?: { messageId: string; deliveries: NewNotificationDelivery[] },
  ): Promise<ApprovalChange>;
  /** True when the link's signature digest was used. */
  isApprovalLinkUsed(hash: string): Promise<boolean>;
  /**
   * Cancels the pending requests (of one execution, or all) whose task no longer waits;
   * returns their ids.
   */
  cancelMootApprovals(executionArn: string | undefined, now: number): Promise<string[]>;
}
