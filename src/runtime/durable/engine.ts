/**
 * The durable engine: leases due executions, processes them through the pure evaluator and
 * commits state and history together (many executions per transaction), dispatches tasks to
 * runners, and serves the operations of the Step Functions API.
 */
import { EventEmitter } from "node:events";
import type { Json } from "../../asl/json.js";
import { ClaimLoop } from "../../kernel/claim-loop.js";
import type { Clock } from "../../kernel/clock.js";
import { cryptoEntropy, type Entropy } from "../../kernel/entropy.js";
import { Wakeup } from "../../kernel/wakeup.js";
import type { StatusEventRecord } from "../../store/events-port.js";
import type {
  ClaimedExecution,
  ExecutionCommit,
  ExecutionRecord,
  NewExecution,
  TaskRecord,
  WorkflowStore,
} from "../../store/workflows-port.js";
import { type TaskDispatcher, TaskFailure } from "../task-dispatcher.js";
import { MachineCache } from "./machine-cache.js";
import { processExecution } from "./processor.js";
import { ExecutionStarter } from "./starter.js";

/** Configuration of the durable engine. */
export interface EngineOptions {
  store: WorkflowStore;
  clock: Clock;
  /** Runs `dispatch` tasks (functions, HTTP, ...). */
  dispatcher: TaskDispatcher;
  region: string;
  account: string;
  entropy?: Entropy;
  /** Maximum state input/output size (AWS: 256 KiB); undefined for no limit. */
  payloadLimitBytes?: number;
  /** How long a lease on an execution lasts. */
  leaseMs?: number;
  /**
   * The prefix of this process's lease owners (its node's), so that at start-up it frees the
   * leases its node's previous process left; none: it frees every lease the store lets it.
   */
  leaseOwnerPrefix?: string;
  /** Executions processed (and committed together) per batch. */
  batchSize?: number;
  /** Frames stepped per execution per pass. */
  stepBudget?: number;
  /** Tasks running at once. */
  dispatchConcurrency?: number;
  /** Where unexpected errors are reported. */
  log?: (message: string) => void;
}

/** A change of an execution's status, published in-process once committed. */
export interface ExecutionStatusChange {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionRecord["status"];
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

/**
 * Shapes the event that announces a status change, or answers undefined when nothing would
 * take it. The event bus provides it; the engine only hands the result to the store.
 */
export type StatusEventShaper = (change: ExecutionStatusChange) => StatusEventRecord | undefined;

/** The durable execution engine. */
export class DurableEngine {
  readonly events = new EventEmitter();
  readonly starter: ExecutionStarter;
  private readonly owner: string;
  readonly machines = new MachineCache();
  private readonly executionsDue = new Wakeup();
  /** Executions published as started and not claimed yet. */
  private readonly started: NewExecution[] = [];
  /**
   * False while the due-execution query could only find executions the loop already holds:
   * when nothing but a published start woke it, that query (a read transaction over the
   * wake-time index) found nothing new, at a few percent of the main thread under load.
   */
  private dueMaybe = true;
  private readonly dispatcher: ClaimLoop<TaskRecord>;
  private readonly running: Promise<void>[] = [];
  private stopped = true;
  private shapeStatusEvent: StatusEventShaper = () => undefined;

  constructor(readonly options: EngineOptions) {
    this.owner = `${options.leaseOwnerPrefix ?? ""}engine-${(options.entropy ?? cryptoEntropy).uuid()}`;
    this.starter = new ExecutionStarter(options.store, this.machines, {
      region: options.region,
      account: options.account,
      entropy: options.entropy ?? cryptoEntropy,
      payloadLimitBytes: options.payloadLimitBytes,
      statusEventOf: (record) => this.statusEventOf(record),
    });
    this.dispatcher = new ClaimLoop({
      clock: options.clock,
      name: "dispatch loop",
      concurrency: options.dispatchConcurrency ?? 64,
      claim: (now, limit) => options.store.claimDispatchTasks(this.owner, now, 15 * 60_000, limit),
      work: (task) => this.dispatch(task),
      log: (message) => this.log(message),
      // Tasks in flight are recovered (run again) at the next start; stopping does not wait.
      drainOnStop: false,
    });
  }

  /** The store the engine works on. */
  get store(): WorkflowStore {
    return this.options.store;
  }

  /** Recovers what a previous process left and starts the loops. */
  async start(): Promise<void> {
    await this.options.store.recoverLeases(this.options.leaseOwnerPrefix ?? "");
    this.stopped = false;
    this.dueMaybe = true;
    this.running.push(this.executionLoop());
    this.dispatcher.start();
  }

  /** Stops the loops after the current batch; leases left are recovered at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.executionsDue.ring();
    await Promise.all([...this.running, this.dispatcher.stop()]);
    this.running.length = 0;
  }

  /** Something became due now (a new execution, a task result). */
  wake(): void {
    this.dueMaybe = true;
    this.executionsDue.ring();
  }

  /** Listens to execution status changes, once they are committed. */
  onStatusChange(listener: (change: ExecutionStatusChange) => void): void {
    this.events.on("status", listener);
  }

  /**
   * Makes every start, end and redrive carry the event `shape` gives it, which the store
   * writes to its status outbox in the transaction of the change (so the event is as durable
   * as the change). Without it no status event is written.
   */
  recordStatusEvents(shape: StatusEventShaper): void {
    this.shapeStatusEvent = shape;
  }

  /** The status event announcing that `record` is now in its status, if one is wanted. */
  statusEventOf(record: ExecutionRecord): StatusEventRecord | undefined {
    return this.shapeStatusEvent(statusChangeOf(record));
  }

  /** Processes one execution right away (API actions such as stop), retrying while the loop holds it. */
  async processNow(arn: string): Promise<void> {
    const { store, clock } = this.options;
    for (let attempt = 0; attempt < 200; attempt++) {
      const claim = await store.claimExecution(arn, this.owner, clock.now(), this.leaseMs());
      if (claim && claim.record.status !== "RUNNING") {
        // It ended meanwhile: a pass would write its record back without output or error.
        await store.release(arn, claim.fence);
        return;
      }
      if (claim) {
        await this.commitAll([claim]);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.wake();
  }

  /**
   * A worker took an activity task of `executionArn` (the store marked it started and made the
   * execution due): record ActivityStarted now. Through processNow, not only a wake-up: a pass
   * in flight for that execution commits its own wake time over the store's.
   */
  activityTaskTaken(executionArn: string): void {
    this.processNow(executionArn).catch((error) =>
      this.log(`activity task taken, ${executionArn}: ${(error as Error).stack ?? error}`),
    );
  }

  /**
   * An execution was stored RUNNING (started, or redriven): announces it and wakes the loop.
   * With the `started` execution it was created from, the loop claims it from that, without
   * reading it back.
   */
  publishStarted(record: ExecutionRecord, started?: NewExecution): void {
    this.emit(record);
    // Bounded: beyond it (starts outpacing the loop), the due-execution claim finds them in
    // the store, and memory does not grow with the backlog.
    if (started && this.started.length < MAX_STARTED) {
      this.started.push(started);
      this.executionsDue.ring();
    } else this.wake();
  }

  /**
   * Claims the executions published as started, up to `limit`. Those the store does not give
   * (already claimed or moved on) are left to the due-execution claim.
   */
  private async claimStarted(limit: number): Promise<ClaimedExecution[]> {
    const { store, clock } = this.options;
    const claims: ClaimedExecution[] = [];
    for (const execution of this.started.splice(0, limit)) {
      const claim = await store.claimStarted(execution, this.owner, clock.now(), this.leaseMs());
      if (claim) claims.push(claim);
      else this.dueMaybe = true;
    }
    return claims;
  }

  /** Records a task result (from a runner, SendTaskSuccess/Failure) and wakes its execution. */
  async settleTask(token: string, outcome: { output: string } | { error: string; cause?: string }) {
    const settlement = await this.options.store.settleTask(
      token,
      outcome,
      this.options.clock.now(),
    );
    if (settlement === "settled") this.wake();
    return settlement;
  }

  private leaseMs(): number {
    return this.options.leaseMs ?? 30_000;
  }

  private async executionLoop(): Promise<void> {
    const { store, clock } = this.options;
    while (!this.stopped) {
      let claims: ClaimedExecution[] = [];
      const limit = this.options.batchSize ?? 64;
      const checkDue = this.dueMaybe;
      this.dueMaybe = false;
      try {
        claims = await this.claimStarted(limit);
        if (checkDue && claims.length < limit)
          claims.push(
            ...(await store.claimExecutions(
              this.owner,
              clock.now(),
              this.leaseMs(),
              limit - claims.length,
            )),
          );
        // A full batch may have left more behind.
        if (claims.length === limit) this.dueMaybe = true;
        if (claims.length > 0) await this.commitAll(claims);
      } catch (error) {
        this.dueMaybe = true;
        this.log(`execution loop: ${(error as Error).stack ?? error}`);
      }
      if (claims.length > 0) {
        // Let I/O callbacks (task results, requests) run before the next batch: the store's
        // calls resolve at once, and an unbroken chain of them would starve everything else.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const next = await store.nextWakeAt().catch(() => undefined);
      // Wake at the next due time, and at least every second (another process may add work).
      const until = Math.min(next ?? Number.POSITIVE_INFINITY, clock.now() + 1000);
      await this.executionsDue.sleep((signal) => clock.sleepUntil(until, signal));
      if (clock.now() >= until) this.dueMaybe = true;
    }
  }

  /** Processes claimed executions and commits them in one transaction (group commit). */
  private async commitAll(claims: ClaimedExecution[]): Promise<void> {
    const { store, clock } = this.options;
    const now = clock.now();
    const commits: ExecutionCommit[] = [];
    for (const claim of claims) {
      let commit: ExecutionCommit;
      try {
        commit = await processExecution(claim, this.machines.get(claim.record.definition), {
          now,
          entropy: this.options.entropy ?? cryptoEntropy,
          payloadLimitBytes: this.options.payloadLimitBytes,
          stepBudget: this.options.stepBudget ?? 10_000,
          prepareNested: (start, parent, at) => this.starter.prepare(start, parent, at),
          taskOf: (token) => store.getTask(token),
          activityExists: async (arn) => (await store.getActivity(arn)) !== undefined,
        });
      } catch (error) {
        // A bug must not leave an execution stuck: it fails with States.Runtime.
        this.log(`execution ${claim.record.arn}: ${(error as Error).stack ?? error}`);
        commit = internalFailure(claim, now, error);
      }
      if (commit.record.status !== "RUNNING") {
        const statusEvent = this.statusEventOf({ ...claim.record, ...commit.record });
        if (statusEvent) commit.statusEvent = statusEvent;
      }
      commits.push(commit);
    }
    const lost = new Set(await store.commit(commits));
    let newTasks = false;
    for (const commit of commits) {
      if (lost.has(commit.arn)) continue;
      // Still running: it may be due again at once (a pass cut short by the step budget).
      if (commit.record.status === "RUNNING") this.dueMaybe = true;
      if (commit.newTasks.some((task) => task.kind === "dispatch")) newTasks = true;
      if (commit.newTasks.some((task) => task.kind === "activity"))
        this.events.emit("activity-task");
      for (const child of commit.childExecutions) this.emit(child.record);
      if (commit.childExecutions.length > 0 || commit.parentSettlement) this.wake();
      if (commit.record.status !== "RUNNING") {
        const claim = claims.find((c) => c.record.arn === commit.arn);
        if (claim) this.emit({ ...claim.record, ...commit.record });
      }
    }
    if (newTasks) this.dispatcher.wake();
  }

  private async dispatch(task: TaskRecord): Promise<void> {
    const controller = new AbortController();
    try {
      const output = await this.options.dispatcher.invoke(
        {
          resource: task.resource,
          parameters: JSON.parse(task.parameters) as Json,
          stateName: task.stateName,
          idempotencyKey: task.idempotencyKey,
          taskToken: task.token,
          executionArn: task.executionArn,
        },
        controller.signal,
      );
      if (task.awaitsToken)
        await this.options.store.markTaskAwaitingToken(task.token, this.options.clock.now());
      else await this.settleTask(task.token, { output: JSON.stringify(output) });
    } catch (error) {
      const failure =
        error instanceof TaskFailure
          ? error
          : new TaskFailure(
              (error as Error).name || "Error",
              (error as Error).message ?? String(error),
            );
      const outcome =
        failure.cause === undefined
          ? { error: failure.error }
          : { error: failure.error, cause: failure.cause };
      await this.settleTask(task.token, outcome).catch((e) =>
        this.log(`settle ${task.token}: ${e}`),
      );
    }
  }

  private emit(record: ExecutionRecord): void {
    this.events.emit("status", statusChangeOf(record));
  }

  private log(message: string): void {
    (this.options.log ?? ((text) => process.stderr.write(`${text}\n`)))(message);
  }
}

/** Executions published as started that the loop keeps to claim without reading them back. */
const MAX_STARTED = 1024;

/** The status change that left an execution as `record` is. */
function statusChangeOf(record: ExecutionRecord): ExecutionStatusChange {
  const change: ExecutionStatusChange = {
    executionArn: record.arn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startedAt,
    input: record.input,
  };
  if (record.stoppedAt !== undefined) change.stopDate = record.stoppedAt;
  if (record.output !== undefined) change.output = record.output;
  if (record.error !== undefined) change.error = record.error;
  if (record.cause !== undefined) change.cause = record.cause;
  return change;
}

function internalFailure(claim: ClaimedExecution, now: number, error: unknown): ExecutionCommit {
  const cause = `opsflow internal error: ${(error as Error).message ?? String(error)}`;
  return {
    arn: claim.record.arn,
    fence: claim.fence,
    record: { status: "FAILED", error: "States.Runtime", cause, stoppedAt: now },
    state: JSON.stringify({ frames: {}, nextFrameId: 0 }),
    nextEventId: claim.nextEventId + 1,
    events: [
      {
        id: claim.nextEventId,
        previousEventId: claim.nextEventId - 1,
        type: "ExecutionFailed",
        timestamp: now,
        details: { error: "States.Runtime", cause },
      },
    ],
    newTasks: [],
    consumedTasks: claim.settledTasks.map((task) => task.token),
    cancelledTasks: [],
    childExecutions: [],
  };
}
