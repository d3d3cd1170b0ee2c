/**
 * The event bus part of the store port: buses, rules, targets, accepted events, the delivery
 * queue, dead letters, connections, API destinations and webhook sources, in domain terms.
 * `Store` extends it; `test/store/events-contract.ts` is the suite every adapter must pass.
 */
import type { Page, PageRequest } from "./paging.js";
import type { NewExecution } from "./workflows-port.js";

/** An event bus. */
export interface EventBusRecord {
  name: string;
  arn: string;
  description?: string;
  createdAt: number;
}

/** ENABLED rules route events (or fire on schedule); DISABLED ones do nothing. */
export type RuleState = "ENABLED" | "DISABLED";

/** A rule: an event pattern or a schedule expression (or both, as AWS allows). */
export interface EventRuleRecord {
  eventBusName: string;
  name: string;
  arn: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  /** Scheduled rules: when the schedule fires next; undefined when it never fires again. */
  nextFireAt?: number;
  createdAt: number;
  updatedAt: number;
}

/** A target in EventBridge's own `Target` shape (PutTargets), kept as given. */
export interface EventTarget {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
}

/** An accepted event: its envelope (JSON text) as every target receives it. */
export interface StoredEvent {
  id: string;
  eventBusName: string;
  envelope: string;
  ingestedAt: number;
}

/**
 * An event of the status outbox: opsflow's own announcement of an execution status change,
 * written in the transaction that commits the change and published on the bus afterwards.
 */
export interface StatusEventRecord {
  /** Its event id on the bus, the same at every publication (after a crash, a second one). */
  id: string;
  /** The PutEvents entry (JSON text). */
  entry: string;
  createdAt: number;
}

/** One (event, target) pair owed a delivery. */
export interface NewDelivery {
  eventId: string;
  eventBusName: string;
  ruleName: string;
  ruleArn: string;
  /** Snapshot of the target when the event matched. */
  target: EventTarget;
  /** First attempt time. */
  at: number;
  /**
   * The execution a state machine target starts, stored with the event instead of queueing
   * the delivery. If the start fails (e.g. a team is over its quota), the delivery is queued,
   * and the delivery loop's attempt reports why.
   */
  start?: NewExecution;
}

/** A leased delivery, with its event. */
export interface DeliveryRecord {
  id: number;
  event: StoredEvent;
  ruleName: string;
  ruleArn: string;
  target: EventTarget;
  /** Attempts made before this one. */
  attempts: number;
  /** Start of the event's age (ingestion or redrive). */
  ageFrom: number;
  lastError?: string;
}

/** How a delivery attempt ended. */
export type DeliveryOutcome =
  | { kind: "delivered" }
  | { kind: "retry"; at: number; error: string }
  | { kind: "dead"; errorCode: string; errorMessage: string };

/** A delivery that gave up, kept until redriven. */
export interface DeadLetterRecord {
  id: number;
  event: StoredEvent;
  ruleName: string;
  ruleArn: string;
  target: EventTarget;
  attempts: number;
  errorCode: string;
  errorMessage: string;
  failedAt: number;
}

/** How a connection authorizes its calls (EventBridge's AuthorizationType). */
export type ConnectionAuthorizationType = "BASIC" | "API_KEY" | "OAUTH_CLIENT_CREDENTIALS";

/** A connection: how HTTP targets authenticate; `sealedAuth` is sealed with the master key. */
export interface ConnectionRecord {
  name: string;
  arn: string;
  authorizationType: ConnectionAuthorizationType;
  sealedAuth: string;
  /** The AuthParameters without their secrets (JSON), as DescribeConnection shows them. */
  authDetails?: string;
  /** AUTHORIZED unless deauthorized; absent in records older than migration 010. */
  state?: string;
  description?: string;
  createdAt: number;
  updatedAt?: number;
}

/** An API destination: an HTTP endpoint called through a connection. */
export interface ApiDestinationRecord {
  name: string;
  arn: string;
  connectionArn: string;
  endpoint: string;
  httpMethod: string;
  description?: string;
  /** InvocationRateLimitPerSecond as given (recorded, not enforced). */
  rateLimitPerSecond?: number;
  createdAt: number;
  updatedAt?: number;
}

/** An archive's state; opsflow creates archives ENABLED. */
export type ArchiveState = "ENABLED" | "DISABLED";

/** An archive of a bus's events (those matching its pattern, or all). */
export interface ArchiveRecord {
  name: string;
  arn: string;
  eventBusName: string;
  eventPattern?: string;
  description?: string;
  /** Days archived events are kept; 0 keeps them forever. */
  retentionDays: number;
  state: ArchiveState;
  eventCount: number;
  sizeBytes: number;
  createdAt: number;
  updatedAt: number;
}

/** One event kept in an archive. */
export interface ArchivedEvent {
  archive: string;
  eventId: string;
  ingestedAt: number;
  /** The event's own `time` (ms): what replay windows select by, as in EventBridge. */
  eventTime: number;
  envelope: string;
}

/** A position in an archive in replay order: (event time, event id). */
export interface ArchiveCursor {
  eventTime: number;
  eventId: string;
}

/** A replay's state, as EventBridge names them. */
export type ReplayState =
  | "STARTING"
  | "RUNNING"
  | "CANCELLING"
  | "COMPLETED"
  | "CANCELLED"
  | "FAILED";

/** A replay of an archive's time window to a bus's rules. */
export interface ReplayRecord {
  name: string;
  arn: string;
  archiveName: string;
  archiveArn: string;
  description?: string;
  destinationBus: string;
  destinationArn: string;
  /** Rule ARNs the replay is limited to; undefined for every rule of the bus. */
  filterArns?: string[];
  eventStart: number;
  eventEnd: number;
  state: ReplayState;
  stateReason?: string;
  /** The last archived event replayed (its position in the archive), once there is one. */
  cursor?: ArchiveCursor;
  /** The `time` of the last event replayed (EventLastReplayedTime). */
  lastReplayedAt?: number;
  replayStart: number;
  replayEnd?: number;
}

/** A batch of a replay, committed in one transaction. */
export interface ReplayBatch {
  /** The new events (replayed copies) and the deliveries they owe. */
  events: StoredEvent[];
  deliveries: NewDelivery[];
  /** Where the replay stands after this batch. */
  cursor: ArchiveCursor | undefined;
  lastReplayedAt: number | undefined;
  /** Set when the batch ends the replay (COMPLETED / CANCELLED / FAILED). */
  end?: { state: "COMPLETED" | "CANCELLED" | "FAILED"; at: number; reason?: string };
}

/** The webhook kinds that turn payloads into bus events. */
export type EventSourceKind = "alertmanager" | "cloudevents";

/** A webhook source; only a hash of its token is kept. */
export interface EventSourceRecord {
  kind: EventSourceKind;
  name: string;
  tokenHash: string;
  eventBusName: string;
  createdAt: number;
}

/** The event bus operations of the store. All methods are atomic. */
export interface EventStore {
  /** Creates a bus; StoreConflictError("exists") when the name is taken. */
  createEventBus(record: EventBusRecord): Promise<void>;
  getEventBus(name: string): Promise<EventBusRecord | undefined>;
  listEventBuses(namePrefix: string | undefined, page: PageRequest): Promise<Page<EventBusRecord>>;
  /**
   * Deletes the bus unless rules or archives still use it (EventBridge refuses then): the
   * refusal names them and deletes nothing. Pending deliveries of its events still go out.
   */
  deleteUnusedEventBus(
    name: string,
  ): Promise<"deleted" | "missing" | { rules: string[]; archives: string[] }>;

  /** Creates or replaces a rule (its targets stay). */
  putRule(record: EventRuleRecord): Promise<void>;
  getRule(eventBusName: string, name: string): Promise<EventRuleRecord | undefined>;
  listRules(
    eventBusName: string,
    namePrefix: string | undefined,
    page: PageRequest,
  ): Promise<Page<EventRuleRecord>>;
  /**
   * A value that moves whenever another process may have changed buses, rules, targets or
   * archives: each node reloads its matchers when it differs from the one it loaded with.
   */
  eventConfigurationVersion(): Promise<string>;
  /** Every rule of every bus with its targets: what the matchers are built from at start. */
  loadRules(): Promise<{ rule: EventRuleRecord; targets: EventTarget[] }[]>;
  /** Deletes a rule and its targets. */
  deleteRule(eventBusName: string, name: string): Promise<boolean>;

  /** Adds or replaces targets of a rule (by Id). */
  putTargets(eventBusName: string, ruleName: string, targets: EventTarget[]): Promise<void>;
  /** Removes targets by Id; returns the Ids that did not exist. */
  removeTargets(eventBusName: string, ruleName: string, ids: string[]): Promise<string[]>;
  listTargets(eventBusName: string, ruleName: string): Promise<EventTarget[]>;

  /**
   * Stores accepted events and the deliveries they owe in one transaction: once it resolves,
   * a crash loses none of them. `fromOutbox` names status outbox events published by this
   * call: they leave the outbox in the same transaction, and one already gone (published by
   * another call) is not stored again, nor are its deliveries and archived copies.
   * Resolves with the `start`s of deliveries that created their execution.
   *
   * `syncedLater`: the caller answers nobody before a later commit of its own that reaches the
   * disk (a request's audit row), which makes this one durable too, so the store need not wait
   * for the disk for this one. Until then a crash of the process loses nothing; a power loss
   * may lose it.
   */
  acceptEvents(
    events: StoredEvent[],
    deliveries: NewDelivery[],
    archived?: ArchivedEvent[],
    fromOutbox?: string[],
    options?: { syncedLater?: boolean },
  ): Promise<NewExecution[]>;
  /** Up to `limit` events of the status outbox, oldest first. */
  pendingStatusEvents(limit: number): Promise<StatusEventRecord[]>;
  /**
   * Records a schedule's fire: when the rule's next fire time is still `expectedAt`, moves it
   * to `nextAt` and stores the event and its deliveries, all in one transaction. False when
   * the fire was already recorded (nothing stored).
   */
  recordScheduledFire(
    eventBusName: string,
    ruleName: string,
    expectedAt: number,
    nextAt: number | undefined,
    event: StoredEvent,
    deliveries: NewDelivery[],
  ): Promise<boolean>;
  /** Scheduled rules due at `now` (ENABLED, next fire time reached). */
  dueScheduledRules(now: number): Promise<EventRuleRecord[]>;
  /** Earliest next fire time of an ENABLED scheduled rule. */
  nextScheduledFireAt(): Promise<number | undefined>;

  /** Leases up to `limit` deliveries due at `now` and not leased. */
  claimDeliveries(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<DeliveryRecord[]>;
  /** Records an attempt's outcome: done (removed), retried later, or moved to dead letters. */
  settleDelivery(id: number, outcome: DeliveryOutcome, now: number): Promise<void>;
  /** Earliest time a delivery is due (leased ones count from the end of their lease). */
  nextDeliveryAt(): Promise<number | undefined>;
  /**
   * Forgets the delivery leases whose owner starts with `ownerPrefix` (a node's previous
   * process, at its start-up); the embedded store, one process per file, forgets them all.
   */
  recoverDeliveryLeases(ownerPrefix: string): Promise<void>;
  /**
   * Deletes up to `limit` accepted events ingested before `before` that nothing needs any
   * more: no delivery of theirs is pending, retrying or leased, and no dead letter holds them.
   * Oldest first; returns how many went.
   */
  pruneEvents(before: number, limit: number): Promise<number>;

  /** Dead letters, optionally of one bus, rule, or target DeadLetterConfig.Arn. */
  listDeadLetters(
    filter: { eventBusName?: string; ruleName?: string; deadLetterArn?: string },
    page: PageRequest,
  ): Promise<Page<DeadLetterRecord>>;
  /** Moves dead letters back to the delivery queue (attempts and age start over); returns how many. */
  redriveDeadLetters(ids: number[], now: number): Promise<number>;

  /** Creates a connection; StoreConflictError("exists") when the name is taken. */
  createConnection(record: ConnectionRecord): Promise<void>;
  getConnection(nameOrArn: string): Promise<ConnectionRecord | undefined>;
  listConnections(): Promise<ConnectionRecord[]>;
  deleteConnection(name: string): Promise<boolean>;
  /** Creates an API destination; StoreConflictError("exists") when the name is taken. */
  createApiDestination(record: ApiDestinationRecord): Promise<void>;
  getApiDestination(nameOrArn: string): Promise<ApiDestinationRecord | undefined>;
  listApiDestinations(): Promise<ApiDestinationRecord[]>;
  deleteApiDestination(name: string): Promise<boolean>;

  /** Replaces a connection's mutable fields (auth, description, state, updatedAt). */
  updateConnection(record: ConnectionRecord): Promise<boolean>;
  /**
   * Deletes a connection unless an API destination uses it: "in-use" names nothing deleted.
   */
  deleteUnusedConnection(name: string): Promise<"deleted" | "missing" | { inUse: string[] }>;
  /** Replaces an API destination's mutable fields. */
  updateApiDestination(record: ApiDestinationRecord): Promise<boolean>;

  /** Creates an archive; StoreConflictError("exists") when the name is taken. */
  createArchive(record: ArchiveRecord): Promise<void>;
  getArchive(nameOrArn: string): Promise<ArchiveRecord | undefined>;
  listArchives(
    filter: { namePrefix?: string; eventBusName?: string; state?: string },
    page: PageRequest,
  ): Promise<Page<ArchiveRecord>>;
  /** Every archive (what the archive matchers are built from at start). */
  loadArchives(): Promise<ArchiveRecord[]>;
  /** Replaces an archive's pattern, description, retention and updatedAt (counts kept). */
  updateArchive(record: ArchiveRecord): Promise<boolean>;
  /** Deletes an archive with its events. */
  deleteArchive(name: string): Promise<boolean>;
  /**
   * Archived events whose `time` is in [from, to] and that were archived at or before
   * `archivedUntil`, after a cursor, in (eventTime, eventId) order.
   */
  readArchive(
    archive: string,
    window: { from: number; to: number; archivedUntil: number },
    after: ArchiveCursor | undefined,
    limit: number,
  ): Promise<ArchivedEvent[]>;
  /** Deletes archived events older than each archive's retention at `now`; returns how many. */
  purgeExpiredArchiveEvents(now: number): Promise<number>;

  /** Creates a replay; StoreConflictError("exists") when the name is taken. */
  createReplay(record: ReplayRecord): Promise<void>;
  getReplay(nameOrArn: string): Promise<ReplayRecord | undefined>;
  listReplays(
    filter: { namePrefix?: string; archiveArn?: string; state?: string },
    page: PageRequest,
  ): Promise<Page<ReplayRecord>>;
  /** Replays in STARTING, RUNNING or CANCELLING state. */
  activeReplays(): Promise<ReplayRecord[]>;
  /**
   * Commits one batch of a replay: its events and deliveries, its cursor and, when given, its
   * end state — only if the replay is still in `expected` state (false otherwise, nothing
   * stored). A batch of a STARTING replay moves it to RUNNING.
   */
  recordReplayBatch(name: string, expected: ReplayState, batch: ReplayBatch): Promise<boolean>;
  /** Moves an active replay to CANCELLING; returns the record after, or undefined if unknown. */
  cancelReplay(name: string): Promise<ReplayRecord | undefined>;

  /** Creates a webhook source; StoreConflictError("exists") when kind and name are taken. */
  createEventSource(record: EventSourceRecord): Promise<void>;
  getEventSource(kind: EventSourceKind, name: string): Promise<EventSourceRecord | undefined>;
  listEventSources(): Promise<EventSourceRecord[]>;
  deleteEventSource(kind: EventSourceKind, name: string): Promise<boolean>;
}
