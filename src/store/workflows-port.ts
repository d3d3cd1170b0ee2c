/**
 * The workflows port: state machines, their versions and aliases, executions with their
 * history, the runtime's leases and commits, tasks and activities.
 */
import type { Json } from "../asl/json.js";
import type { HistoryEventType } from "../evaluator/history.js";
import type { StatusEventRecord } from "./events-port.js";
import type { Page, PageRequest } from "./paging.js";
import type { TeamCharge } from "./teams-port.js";

export type StateMachineType = "STANDARD" | "EXPRESS";
export type ExecutionStatus =
  | "RUNNING"
  | "SUCCEEDED"
  | "FAILED"
  | "TIMED_OUT"
  | "ABORTED"
  | "PENDING_REDRIVE";

/** A state machine as created (definition text after substitutions). */
export interface StateMachineRecord {
  arn: string;
  name: string;
  type: StateMachineType;
  definition: string;
  roleArn: string;
  description?: string;
  /** Changes on every update; executions remember the revision they started with. */
  revisionId: string;
  createdAt: number;
  updatedAt: number;
  tags?: Record<string, string>;
}

/** A published, immutable version of a state machine. */
export interface StateMachineVersionRecord {
  arn: string;
  stateMachineArn: string;
  version: number;
  definition: string;
  roleArn: string;
  revisionId: string;
  description?: string;
  createdAt: number;
}

/** An alias routing to one or two versions. */
export interface StateMachineAliasRecord {
  arn: string;
  stateMachineArn: string;
  name: string;
  description?: string;
  routing: { stateMachineVersionArn: string; weight: number }[];
  createdAt: number;
  updatedAt: number;
}

/** An execution's summary row (no runtime state). */
export interface ExecutionRecord {
  arn: string;
  stateMachineArn: string;
  /** The version or alias ARN it was started through, when not the plain machine. */
  qualifiedArn?: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** The definition text this execution runs (frozen at start). */
  definition: string;
  roleArn: string;
  startedAt: number;
  stoppedAt?: number;
  redriveCount: number;
  redrivenAt?: number;
  /** The task token of the Task that started this execution (nested executions). */
  parentTaskToken?: string;
}

/** One history event as stored. */
export interface HistoryEventRecord {
  id: number;
  previousEventId: number;
  type: HistoryEventType;
  timestamp: number;
  details?: Json;
}

export interface ExecutionFilter {
  stateMachineArn?: string;
  status?: ExecutionStatus;
}

/** A task the runtime handed to the world: a function call, an activity, a callback... */
export interface TaskRecord {
  token: string;
  executionArn: string;
  frameId: number;
  stateName: string;
  resource: string;
  /** Which runner serves it: "dispatch" runs in-process; "activity" waits for a worker; "callback" waits for a token. */
  kind: "dispatch" | "activity" | "callback";
  /** After the dispatch finished, wait for SendTask* (`.waitForTaskToken`). */
  awaitsToken: boolean;
  parameters: string;
  idempotencyKey: string;
  status: "scheduled" | "started" | "succeeded" | "failed" | "timed_out" | "cancelled";
  activityArn?: string;
  workerName?: string;
  createdAt: number;
  startedAt?: number;
  heartbeatSeconds?: number;
  lastHeartbeatAt?: number;
  output?: string;
  error?: string;
  cause?: string;
}

/** A new execution, with its first runtime state and first history event. */
export interface NewExecution {
  record: ExecutionRecord;
  state: string;
  events: HistoryEventRecord[];
  /** The team charged for it; checked against the team's quotas in the inserting transaction. */
  team?: TeamCharge;
  /** Its RUNNING status event, written to the status outbox when the execution is created. */
  statusEvent?: StatusEventRecord;
}

/** An execution the runtime has leased, with the fencing token its commit must present. */
export interface ClaimedExecution {
  record: ExecutionRecord;
  /** The runtime's opaque serialized state (frames etc.). */
  state: string;
  nextEventId: number;
  fence: number;
  /** Tasks of this execution that have a result not yet applied. */
  settledTasks: TaskRecord[];
  /** Last heartbeat time of its open tasks that have HeartbeatSeconds. */
  heartbeats: Record<string, number>;
  /** Stop requested through StopExecution, not yet applied. */
  stopRequest?: { error?: string; cause?: string };
}

/** What one processing pass of an execution changes, committed atomically with others. */
export interface ExecutionCommit {
  arn: string;
  fence: number;
  record: Pick<ExecutionRecord, "status"> &
    Partial<
      Pick<
        ExecutionRecord,
        "output" | "error" | "cause" | "stoppedAt" | "redriveCount" | "redrivenAt"
      >
    >;
  state: string;
  nextEventId: number;
  events: HistoryEventRecord[];
  /** Next time the execution must be looked at without outside help; undefined: only when woken. */
  wakeAt?: number;
  newTasks: TaskRecord[];
  /** Tasks whose results were applied (deleted or archived by the adapter). */
  consumedTasks: string[];
  /** Tasks to cancel (timed out, aborted): late results are then refused. */
  cancelledTasks: { token: string; status: "timed_out" | "cancelled" }[];
  /** Executions to start (nested `states:startExecution`). */
  childExecutions: NewExecution[];
  /** The stop request has been applied. */
  stopApplied?: boolean;
  /**
   * A redrive: the execution runs again and takes a concurrency slot of its team, checked in
   * this transaction (the commit fails with TeamQuotaExceededError when there is none).
   */
  takesTeamSlot?: boolean;
  /** Tasks abandoned by this pass whose nested executions must stop too. */
  stopChildrenOf?: string[];
  /** The status event of this pass's status change (an end, a redrive), written to the status outbox with it. */
  statusEvent?: StatusEventRecord;
  /** This execution ended and was started by a Task (`.sync`): settle that task in the same transaction. */
  parentSettlement?: {
    token: string;
    outcome: { output: string } | { error: string; cause?: string };
  };
}

/** The outcome of sending a result for a task token. */
export type TaskSettlement = "settled" | "unknown-token" | "already-settled";

/** Workflow persistence. All methods are atomic. */
export interface WorkflowStore {
  createStateMachine(record: StateMachineRecord): Promise<void>;
  updateStateMachine(record: StateMachineRecord): Promise<void>;
  getStateMachine(arn: string): Promise<StateMachineRecord | undefined>;
  listStateMachines(page: PageRequest): Promise<Page<StateMachineRecord>>;
  /** Deletes the machine, its versions and aliases; running executions go on. */
  deleteStateMachine(arn: string): Promise<boolean>;
  publishVersion(record: StateMachineVersionRecord): Promise<void>;
  getVersion(arn: string): Promise<StateMachineVersionRecord | undefined>;
  listVersions(
    stateMachineArn: string,
    page: PageRequest,
  ): Promise<Page<StateMachineVersionRecord>>;
  deleteVersion(arn: string): Promise<boolean>;
  putAlias(record: StateMachineAliasRecord): Promise<void>;
  getAlias(arn: string): Promise<StateMachineAliasRecord | undefined>;
  listAliases(stateMachineArn: string, page: PageRequest): Promise<Page<StateMachineAliasRecord>>;
  deleteAlias(arn: string): Promise<boolean>;

  /** Creates the execution, or returns the existing one with that name (`created: false`). */
  startExecution(execution: NewExecution): Promise<{ record: ExecutionRecord; created: boolean }>;
  getExecution(arn: string): Promise<ExecutionRecord | undefined>;
  listExecutions(filter: ExecutionFilter, page: PageRequest): Promise<Page<ExecutionRecord>>;
  getHistory(
    arn: string,
    options: { page: PageRequest; reverse: boolean },
  ): Promise<Page<HistoryEventRecord>>;

  /** Leases up to `limit` RUNNING executions that are due (`wakeAt <= now`) and not leased. */
  claimExecutions(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<ClaimedExecution[]>;
  /**
   * Leases an execution this process has just started, from what it was started with rather
   * than reading its state and tasks back: undefined when it is leased, has ended or has
   * moved on since (then the due-execution claim takes it). A stop requested meanwhile is in
   * the claim.
   */
  claimStarted(
    execution: NewExecution,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<ClaimedExecution | undefined>;
  /** Leases one execution regardless of its wake time (API actions such as stop and redrive). */
  claimExecution(
    arn: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<ClaimedExecution | undefined>;
  /** Applies commits in one transaction; returns the arns whose lease was lost (nothing applied for them). */
  commit(commits: ExecutionCommit[]): Promise<string[]>;
  /** Gives up a lease without changes. */
  release(arn: string, fence: number): Promise<void>;
  /**
   * Earliest time a RUNNING execution is due, for the scheduler's sleep; a leased one counts
   * from the end of its lease.
   */
  nextWakeAt(): Promise<number | undefined>;
  /**
   * Forgets the execution and task leases of a process that is gone: those whose owner starts
   * with `ownerPrefix`, the node's own prefix at its start-up (one process per data directory,
   * so its previous process is dead). The embedded store serves one process per file and
   * forgets every lease; a shared database keeps other nodes' leases, which run out instead.
   */
  recoverLeases(ownerPrefix: string): Promise<void>;
  /**
   * Calls `listener` when another process made executions due (a start, a task result, a
   * stop), so an idle node claims them at once instead of at its next poll; resolves with
   * the unsubscribe. A store that serves one process never calls it: that process's own
   * parts wake each other.
   */
  onExecutionsDue(listener: () => void): Promise<() => void>;

  /** Marks a stop request and wakes the execution. */
  requestStop(
    arn: string,
    error: string | undefined,
    cause: string | undefined,
    now: number,
  ): Promise<ExecutionRecord>;

  /** Leases dispatchable tasks that are scheduled, or started with an expired lease (crash recovery). */
  claimDispatchTasks(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<TaskRecord[]>;
  /** Leases the oldest scheduled task of an activity for a worker. */
  claimActivityTask(
    activityArn: string,
    workerName: string,
    now: number,
  ): Promise<TaskRecord | undefined>;
  /** Records a task's result and wakes its execution. */
  settleTask(
    token: string,
    outcome: { output: string } | { error: string; cause?: string },
    now: number,
  ): Promise<TaskSettlement>;
  /** Marks a dispatched `.waitForTaskToken` task as running and waiting for its token. */
  markTaskAwaitingToken(token: string, now: number): Promise<void>;
  heartbeatTask(token: string, now: number): Promise<TaskSettlement>;
  getTask(token: string): Promise<TaskRecord | undefined>;

  createActivity(
    arn: string,
    name: string,
    now: number,
    tags?: Record<string, string>,
  ): Promise<{ arn: string; createdAt: number }>;
  deleteActivity(arn: string): Promise<boolean>;
  getActivity(arn: string): Promise<{ arn: string; name: string; createdAt: number } | undefined>;
  listActivities(
    page: PageRequest,
  ): Promise<Page<{ arn: string; name: string; createdAt: number }>>;
}
