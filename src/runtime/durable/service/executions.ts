/**
 * Execution operations shared by the APIs: start (idempotent by name as AWS defines), start
 * synchronously (EXPRESS, in memory), describe, list, history, stop and redrive.
 */
import type { Json } from "../../../asl/json.js";
import { startFrame } from "../../../evaluator/index.js";
import type { Clock } from "../../../kernel/clock.js";
import type { Entropy } from "../../../kernel/entropy.js";
import type { Page, PageRequest } from "../../../store/paging.js";
import { type TeamCharge, TeamQuotaExceededError } from "../../../store/teams-port.js";
import type {
  ExecutionFilter,
  ExecutionRecord,
  HistoryEventRecord,
  NewExecution,
  WorkflowStore,
} from "../../../store/workflows-port.js";
import { type ExecutionResult, runInMemory } from "../../in-memory.js";
import type { TaskDispatcher } from "../../task-dispatcher.js";
import type { DurableEngine } from "../engine.js";
import { QuotaExceededError, ServiceError } from "../errors.js";
import { type ExecutionSnapshot, readSnapshot } from "../snapshot.js";
import type { ResolvedMachine } from "../starter.js";

/** What StartExecution takes. */
export interface StartExecutionInput {
  stateMachineArn: string;
  name?: string;
  /** JSON text (default `{}`). */
  input?: string;
  /** The user starting it (none for event rules and schedules): decides the team charged. */
  caller?: string;
}

/** Decides which team a start is charged to, if any (auth/quotas.ts's TeamService). */
export interface StartCharger {
  chargeFor(
    caller: string | undefined,
    tags: Record<string, string> | undefined,
  ): Promise<TeamCharge | undefined>;
}

/** The execution service. */
export class ExecutionService {
  constructor(
    private readonly store: WorkflowStore,
    private readonly engine: DurableEngine,
    private readonly clock: Clock,
    private readonly dispatcher: TaskDispatcher,
    private readonly entropy: Entropy,
    /** Team quotas; without it nothing is charged. */
    private readonly teams?: StartCharger,
  ) {}

  /**
   * Starts an execution. The same name and input as a running execution returns it again;
   * the same name otherwise is ExecutionAlreadyExists (AWS's idempotency rule).
   */
  async start(request: StartExecutionInput): Promise<ExecutionRecord> {
    const input = parseInput(request.input);
    const machine = await this.engine.starter.resolve(request.stateMachineArn);
    if (machine.type === "EXPRESS") {
      // Express executions are not stored: they run in memory, as AWS keeps no history for them.
      const execution = this.engine.starter.build(machine, request.name, input, this.clock.now());
      void this.runExpress(execution.record, input);
      return execution.record;
    }
    const execution = await this.build(machine, request, input);
    const { record, created } = await this.store
      .startExecution(execution)
      .catch((error) => this.quotaError(error));
    if (created) {
      this.engine.publishStarted(record, execution);
      return record;
    }
    if (
      record.status === "RUNNING" &&
      record.input === execution.record.input &&
      record.stateMachineArn === execution.record.stateMachineArn
    ) {
      return record;
    }
    throw new ServiceError("ExecutionAlreadyExists", `Execution Already Exists: '${record.arn}'`);
  }

  /**
   * The execution a start would store, for a caller that stores it in a transaction of its
   * own (the event bus stores it with the event that starts it) and then calls
   * {@link started}. Undefined for an EXPRESS machine, which is not stored. Throws as start does.
   */
  async prepare(request: StartExecutionInput): Promise<NewExecution | undefined> {
    const input = parseInput(request.input);
    const machine = await this.engine.starter.resolve(request.stateMachineArn);
    if (machine.type === "EXPRESS") return undefined;
    return this.build(machine, request, input);
  }

  /** An execution {@link prepare}d was stored: the engine runs it. */
  started(execution: NewExecution): void {
    this.engine.publishStarted(execution.record, execution);
  }

  private async build(machine: ResolvedMachine, request: StartExecutionInput, input: Json) {
    const execution = this.engine.starter.build(machine, request.name, input, this.clock.now());
    const team = await this.teams?.chargeFor(request.caller, machine.tags);
    if (team) execution.team = team;
    return execution;
  }

  /** StartSyncExecution: EXPRESS machines only, run to the end in memory. */
  async startSync(
    request: StartExecutionInput,
  ): Promise<{ record: ExecutionRecord; result: ExecutionResult }> {
    const input = parseInput(request.input);
    const machine = await this.engine.starter.resolve(request.stateMachineArn);
    if (machine.type !== "EXPRESS") {
      throw new ServiceError(
        "ValidationException",
        "StartSyncExecution is only for EXPRESS state machines.",
      );
    }
    const execution = this.engine.starter.build(machine, request.name, input, this.clock.now());
    const result = await this.runExpress(execution.record, input);
    return { record: { ...execution.record, stoppedAt: this.clock.now() }, result };
  }

  private quotaError(error: unknown): never {
    if (error instanceof TeamQuotaExceededError) throw quotaErrorOf(error, this.clock.now());
    throw error;
  }

  private runExpress(record: ExecutionRecord, input: Json): Promise<ExecutionResult> {
    return runInMemory(this.engine.machines.get(record.definition), input, {
      dispatcher: this.dispatcher,
      clock: this.clock,
      entropy: this.entropy,
      execution: {
        id: record.arn,
        name: record.name,
        startTime: new Date(record.startedAt).toISOString(),
        roleArn: record.roleArn,
        stateMachineId: record.stateMachineArn,
        stateMachineName: record.stateMachineArn.split(":")[6],
      },
    });
  }

  async describe(arn: string): Promise<ExecutionRecord> {
    const record = await this.store.getExecution(arn);
    if (!record)
      throw new ServiceError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  async list(filter: ExecutionFilter, page: PageRequest): Promise<Page<ExecutionRecord>> {
    if (filter.stateMachineArn && !(await this.store.getStateMachine(filter.stateMachineArn))) {
      throw new ServiceError(
        "StateMachineDoesNotExist",
        `State Machine Does Not Exist: '${filter.stateMachineArn}'`,
      );
    }
    return this.store.listExecutions(filter, page);
  }

  async history(
    arn: string,
    page: PageRequest,
    reverse: boolean,
  ): Promise<Page<HistoryEventRecord>> {
    await this.describe(arn);
    return this.store.getHistory(arn, { page, reverse });
  }

  /** Stops a running execution: ABORTED once this returns. */
  async stop(arn: string, error?: string, cause?: string): Promise<ExecutionRecord> {
    const record = await this.describe(arn);
    if (record.status !== "RUNNING") return record;
    await this.store.requestStop(arn, error, cause, this.clock.now());
    await this.engine.processNow(arn);
    return this.describe(arn);
  }

  /**
   * Redrives a FAILED, TIMED_OUT or ABORTED execution from the state where it stopped, with
   * the input that state had and the variables it saw.
   */
  async redrive(arn: string): Promise<ExecutionRecord> {
    const record = await this.describe(arn);
    const { store, clock } = { store: this.store, clock: this.clock };
    if (record.status === "RUNNING" || record.status === "SUCCEEDED") {
      throw new ServiceError(
        "ExecutionNotRedrivable",
        `Execution is ${record.status}: only FAILED, TIMED_OUT and ABORTED executions can be redriven.`,
      );
    }
    const claim = await store.claimExecution(arn, "redrive", clock.now(), 30_000);
    if (!claim) throw new ServiceError("ConflictException", "The execution is busy; try again.");
    const snapshot = readSnapshot(claim.state);
    const failedAt = snapshot.failedAt;
    if (!failedAt) {
      await store.release(arn, claim.fence);
      throw new ServiceError(
        "ExecutionNotRedrivable",
        "The execution has no failed state to redrive from.",
      );
    }
    const machine = this.engine.machines.get(record.definition);
    const frame = startFrame(machine, failedAt.input);
    frame.state = failedAt.state;
    frame.variables = failedAt.variables;
    const next: ExecutionSnapshot = {
      frames: { "0": { id: 0, machine: "", frame, status: "runnable" } },
      nextFrameId: 1,
    };
    if (snapshot.parent) next.parent = snapshot.parent;
    const now = clock.now();
    const redriven: ExecutionRecord = {
      ...record,
      status: "RUNNING",
      redriveCount: record.redriveCount + 1,
      redrivenAt: now,
    };
    for (const ended of ["stoppedAt", "output", "error", "cause"] as const) delete redriven[ended];
    const statusEvent = this.engine.statusEventOf(redriven);
    // A redriven execution runs again, so it takes a concurrency slot of its team again: the
    // commit checks that in its transaction.
    const lost = await store
      .commit([
        {
          arn,
          fence: claim.fence,
          takesTeamSlot: true,
          record: { status: "RUNNING", redriveCount: record.redriveCount + 1, redrivenAt: now },
          state: JSON.stringify(next),
          nextEventId: claim.nextEventId + 1,
          events: [
            {
              id: claim.nextEventId,
              previousEventId: claim.nextEventId - 1,
              type: "ExecutionRedriven",
              timestamp: now,
              details: { redriveCount: record.redriveCount + 1 },
            },
          ],
          wakeAt: now,
          newTasks: [],
          consumedTasks: [],
          cancelledTasks: [],
          childExecutions: [],
          ...(statusEvent && { statusEvent }),
        },
      ])
      .catch(async (error) => {
        await store.release(arn, claim.fence);
        return this.quotaError(error);
      });
    if (lost.length > 0)
      throw new ServiceError(
        "ConflictException",
        "The execution changed while redriving; try again.",
      );
    // Running again: announced (and woken) as a start is.
    this.engine.publishStarted(redriven);
    return this.describe(arn);
  }
}

/** The service's error for a store refusal over a team quota. */
function quotaErrorOf(error: TeamQuotaExceededError, now: number): QuotaExceededError {
  const { team, quota, limit, used, requested, day } = error;
  const dayEnd = day === undefined ? undefined : Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  return new QuotaExceededError(
    error.message,
    { team, quota, limit, used, requested, ...(day !== undefined && { day }) },
    dayEnd === undefined ? undefined : Math.max(1, Math.ceil((dayEnd - now) / 1000)),
  );
}

function parseInput(text: string | undefined): Json {
  if (text === undefined || text === "") return {};
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new ServiceError(
      "InvalidExecutionInput",
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
    );
  }
}
