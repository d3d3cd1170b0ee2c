/**
 * One processing pass over a leased execution: apply what arrived (task results, a stop
 * request, due timers), step every runnable frame through the evaluator, and describe all
 * changes as one commit. Reads no clock of its own: `now` comes from the engine.
 */
import { StatesErrorName } from "../../asl/errors.js";
import type { Json, JsonObject } from "../../asl/json.js";
import {
  type CompiledMachine,
  type Effect,
  type ExecutionInfo,
  type ForkEffect,
  type InvokeTaskEffect,
  recordAbandoned,
  type StepContext,
  step,
  taskEventPrefix,
} from "../../evaluator/index.js";
import type { Entropy } from "../../kernel/entropy.js";
import type {
  ClaimedExecution,
  ExecutionCommit,
  NewExecution,
  TaskRecord,
} from "../../store/workflows-port.js";
import { TaskFailure } from "../task-dispatcher.js";
import { activityStarts } from "./activity-starts.js";
import { ForkTracker } from "./forks.js";
import { HistoryBuffer } from "./history-buffer.js";
import { nestedStartOf, startResult, syncOutcome } from "./nested.js";
import { planResource } from "./resources.js";
import { type ExecutionSnapshot, readSnapshot, type StoredFrame } from "./snapshot.js";

/** What the processor needs from the engine. */
export interface ProcessorContext {
  now: number;
  entropy: Entropy;
  payloadLimitBytes?: number;
  /** Frames stepped per pass before the execution yields to others. */
  stepBudget: number;
  /**
   * Prepares a nested execution (`states:startExecution`); `parent` is set for `.sync` forms.
   * Throws TaskFailure when it cannot start (unknown machine, bad input).
   */
  prepareNested(
    start: ReturnType<typeof nestedStartOf>,
    parent: { token: string; parsed: boolean } | undefined,
    now: number,
  ): Promise<NewExecution>;
  /** The stored task of `token` (a worker taking an activity task marks it started there). */
  taskOf(token: string): Promise<TaskRecord | undefined>;
  /** Whether the activity exists: a Task on a deleted one fails the execution, as on AWS. */
  activityExists(arn: string): Promise<boolean>;
}

/** Processes one claimed execution into a commit. */
export async function processExecution(
  claim: ClaimedExecution,
  machine: CompiledMachine,
  context: ProcessorContext,
): Promise<ExecutionCommit> {
  return new ExecutionPass(claim, machine, context).run();
}

class ExecutionPass {
  private readonly snapshot: ExecutionSnapshot;
  private readonly history: HistoryBuffer;
  private readonly commit: ExecutionCommit;
  private readonly forks: ForkTracker;
  private readonly info: ExecutionInfo;
  private ended = false;

  constructor(
    private readonly claim: ClaimedExecution,
    private readonly machine: CompiledMachine,
    private readonly context: ProcessorContext,
  ) {
    this.snapshot = readSnapshot(claim.state);
    this.history = new HistoryBuffer(claim.nextEventId);
    this.history.now = context.now;
    const { record } = claim;
    this.commit = {
      arn: record.arn,
      fence: claim.fence,
      record: { status: record.status },
      state: "",
      nextEventId: claim.nextEventId,
      events: this.history.events,
      newTasks: [],
      consumedTasks: [],
      cancelledTasks: [],
      childExecutions: [],
    };
    this.info = executionInfo(claim);
    this.forks = new ForkTracker(this.snapshot, this.history, machine, (frame) =>
      this.abandon(frame),
    );
  }

  async run(): Promise<ExecutionCommit> {
    const { now } = this.context;
    await this.recordActivityStarts();
    if (this.claim.stopRequest) {
      this.commit.stopApplied = true;
      this.end("ABORTED", this.claim.stopRequest);
    }
    if (!this.ended) this.applySettledTasks();
    const deadline = this.timeoutAt();
    if (!this.ended && deadline !== undefined && now >= deadline) this.end("TIMED_OUT", {});
    if (!this.ended) this.wakeDueFrames();
    let budget = this.context.stepBudget;
    while (!this.ended && budget-- > 0) {
      const frame = Object.values(this.snapshot.frames).find((f) => f.status === "runnable");
      if (!frame) break;
      await this.stepFrame(frame);
    }
    this.commit.state = JSON.stringify(this.snapshot);
    this.commit.nextEventId = this.history.nextId;
    if (!this.ended) this.commit.wakeAt = this.wakeAt(deadline);
    return this.commit;
  }

  /**
   * ActivityStarted for each activity task a worker took since the last pass, stamped with
   * when it took it (never later than this pass, so timestamps stay in history order).
   */
  private async recordActivityStarts(): Promise<void> {
    const starts = await activityStarts(
      Object.values(this.snapshot.frames),
      this.claim.settledTasks,
      (token) => this.context.taskOf(token),
    );
    for (const start of starts) {
      start.pending.started = true;
      const details: JsonObject = {};
      if (start.workerName !== undefined) details.workerName = start.workerName;
      this.history.recordAt(
        Math.min(start.startedAt, this.context.now),
        "ActivityStarted",
        details,
      );
    }
  }

  /** Task results that arrived since the last pass become resumptions. */
  private applySettledTasks(): void {
    for (const task of this.claim.settledTasks) {
      this.commit.consumedTasks.push(task.token);
      const frame = this.snapshot.frames[String(task.frameId)];
      if (frame?.status !== "task" || frame.task?.token !== task.token) continue;
      this.recordTaskStarted(frame);
      frame.status = "runnable";
      frame.dueAt = undefined;
      frame.resumption =
        task.status === "succeeded"
          ? { kind: "task-succeeded", output: JSON.parse(task.output ?? "null") as Json }
          : failedResumption(task.error ?? "States.TaskFailed", task.cause);
      frame.task = undefined;
    }
  }

  /** Timers that are due run; tasks past their timeout or heartbeat fail with States.Timeout. */
  private wakeDueFrames(): void {
    const { now } = this.context;
    for (const frame of Object.values(this.snapshot.frames)) {
      // A heartbeat (or a worker taking an activity task) moves the task's deadline.
      if (frame.status === "task" && frame.task?.heartbeatSeconds !== undefined) {
        const beat = this.heartbeatDue(frame.task);
        if (beat !== undefined) frame.dueAt = Math.min(beat, frame.task.timeoutAt ?? beat);
      }
      if (frame.dueAt === undefined || frame.dueAt > now) continue;
      if (frame.status === "timer") {
        frame.status = "runnable";
        frame.dueAt = undefined;
      } else if (frame.status === "task" && frame.task) {
        const task = frame.task;
        const beatDue = this.heartbeatDue(task);
        const timedOut = task.timeoutAt !== undefined && task.timeoutAt <= now;
        if (!timedOut && beatDue !== undefined && beatDue > now) {
          frame.dueAt = Math.min(beatDue, task.timeoutAt ?? beatDue);
          continue;
        }
        const heartbeat = !timedOut;
        this.recordTaskStarted(frame);
        this.commit.cancelledTasks.push({ token: task.token, status: "timed_out" });
        frame.status = "runnable";
        frame.dueAt = undefined;
        frame.task = undefined;
        frame.resumption = failedResumption(
          heartbeat ? StatesErrorName.HeartbeatTimeout : StatesErrorName.Timeout,
          undefined,
        );
      }
    }
  }

  /** When the task's heartbeat is next due (from its last heartbeat, or its scheduling). */
  private heartbeatDue(task: NonNullable<StoredFrame["task"]>): number | undefined {
    if (task.heartbeatSeconds === undefined) return undefined;
    const last =
      this.claim.heartbeats[task.token] ??
      (task.prefix === "Activity" ? undefined : task.scheduledAt);
    // An activity's heartbeat clock starts when a worker takes the task (which records one).
    if (last === undefined) return undefined;
    return last + task.heartbeatSeconds * 1000;
  }

  private async stepFrame(frame: StoredFrame): Promise<void> {
    const machine = this.machineOf(frame);
    const token = this.context.entropy.uuid();
    const stepContext: StepContext = {
      now: this.context.now,
      history: this.history,
      entropy: this.context.entropy,
      execution: this.info,
      taskToken: token,
    };
    if (this.context.payloadLimitBytes !== undefined)
      stepContext.payloadLimitBytes = this.context.payloadLimitBytes;
    const resumption = frame.resumption;
    frame.resumption = undefined;
    // Children of a distributed Map are executions of their own: their events are not ours.
    const history = this.forks.isDetached(frame) ? new HistoryBuffer(1) : this.history;
    stepContext.history = history;
    const effect = await step(machine, frame.frame, resumption, stepContext);
    await this.apply(frame, effect, token, history);
  }

  private async apply(
    frame: StoredFrame,
    effect: Effect,
    token: string,
    history: HistoryBuffer,
  ): Promise<void> {
    const { now } = this.context;
    switch (effect.kind) {
      case "continue":
        return;
      case "wait":
        frame.status = effect.untilMs <= now ? "runnable" : "timer";
        frame.dueAt = effect.untilMs <= now ? undefined : effect.untilMs;
        frame.resumption = { kind: "wait-elapsed" };
        return;
      case "retry":
        frame.status = effect.delaySeconds <= 0 ? "runnable" : "timer";
        frame.dueAt =
          effect.delaySeconds <= 0 ? undefined : now + Math.round(effect.delaySeconds * 1000);
        frame.resumption = { kind: "retry-due" };
        return;
      case "invoke":
        return this.schedule(frame, effect, token, history);
      case "fork":
        this.forks.open(frame, effect as ForkEffect);
        return;
      case "succeeded":
        return this.finishFrame(frame, { ok: true, output: effect.output });
      case "failed":
        return this.finishFrame(frame, { ok: false, error: effect.error, cause: effect.cause });
    }
  }

  /** Hands a task to the world: a task row for a runner or worker, or a nested execution. */
  private async schedule(
    frame: StoredFrame,
    effect: InvokeTaskEffect,
    token: string,
    history: HistoryBuffer,
  ): Promise<void> {
    const { now } = this.context;
    const plan = planResource(effect.resource);
    if (plan.kind === "activity" && !(await this.context.activityExists(plan.activityArn))) {
      // AWS records no ActivityScheduled then: the state fails with States.Runtime (terminal).
      history.discardLast(effect.scheduledEventId);
      const cause = `An error occurred while executing the state '${effect.state}' (entered at the event id #${frame.frame.enteredEventId}). The activity ${plan.activityArn} does not exist.`;
      return this.apply(
        frame,
        { kind: "failed", error: StatesErrorName.Runtime, cause },
        token,
        history,
      );
    }
    const prefix = taskEventPrefix(effect.resource);
    frame.status = "task";
    frame.task = { token, resource: effect.resource, prefix, started: false, scheduledAt: now };
    if (effect.timeoutSeconds !== undefined)
      frame.task.timeoutAt = now + effect.timeoutSeconds * 1000;
    if (effect.heartbeatSeconds !== undefined)
      frame.task.heartbeatSeconds = effect.heartbeatSeconds;
    const beat = this.heartbeatDue(frame.task);
    frame.dueAt =
      beat === undefined ? frame.task.timeoutAt : Math.min(beat, frame.task.timeoutAt ?? beat);
    const task: TaskRecord = {
      token,
      executionArn: this.claim.record.arn,
      frameId: frame.id,
      stateName: effect.state,
      resource: effect.resource,
      kind:
        plan.kind === "dispatch" ? "dispatch" : plan.kind === "activity" ? "activity" : "callback",
      awaitsToken:
        plan.kind === "dispatch"
          ? plan.awaitsToken
          : plan.kind === "nested" && plan.mode === "token",
      parameters: JSON.stringify(effect.parameters),
      idempotencyKey: `${this.claim.record.arn}#${effect.scheduledEventId}`,
      status: "scheduled",
      createdAt: now,
    };
    if (plan.kind === "activity") task.activityArn = plan.activityArn;
    if (effect.heartbeatSeconds !== undefined) task.heartbeatSeconds = effect.heartbeatSeconds;
    this.commit.newTasks.push(task);
    if (plan.kind === "dispatch") this.recordTaskStarted(frame);
    if (plan.kind !== "nested") return;
    this.recordTaskStarted(frame);
    try {
      const sync = plan.mode === "sync" || plan.mode === "sync2";
      const parent = sync ? { token, parsed: plan.mode === "sync2" } : undefined;
      const child = await this.context.prepareNested(nestedStartOf(effect.parameters), parent, now);
      this.commit.childExecutions.push(child);
      if (plan.mode === "start") {
        task.status = "succeeded";
        frame.status = "runnable";
        frame.dueAt = undefined;
        frame.task = undefined;
        frame.resumption = { kind: "task-succeeded", output: startResult(child.record) };
      }
    } catch (error) {
      if (!(error instanceof TaskFailure)) throw error;
      task.status = "failed";
      frame.status = "runnable";
      frame.dueAt = undefined;
      frame.task = undefined;
      frame.resumption = failedResumption(error.error, error.cause);
    }
  }

  /** TaskStarted / LambdaFunctionStarted; ActivityStarted comes from a worker taking the task. */
  private recordTaskStarted(frame: StoredFrame): void {
    const task = frame.task;
    if (!task || task.started || task.prefix === "Activity") return;
    task.started = true;
    this.history.record(`${task.prefix}Started`, { resource: task.resource });
  }

  /** A frame reached its end: the execution's, or a branch's reported to its fork. */
  private finishFrame(
    frame: StoredFrame,
    result: { ok: true; output: Json } | { ok: false; error?: string; cause?: string },
  ): void {
    delete this.snapshot.frames[String(frame.id)];
    if (frame.parent !== undefined) {
      this.forks.childFinished(frame, result);
      return;
    }
    if (result.ok) {
      this.commit.record.output = JSON.stringify(result.output);
      this.end("SUCCEEDED", {});
    } else {
      this.snapshot.failedAt = {
        state: frame.frame.state,
        input: frame.frame.input,
        variables: frame.frame.variables,
      };
      this.end("FAILED", { error: result.error, cause: result.cause });
    }
  }

  /** Ends the execution: aborts what still runs and records the closing event. */
  private end(
    status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED",
    reason: { error?: string; cause?: string },
  ): void {
    this.ended = true;
    const root = this.snapshot.frames["0"];
    if (root)
      this.snapshot.failedAt = {
        state: root.frame.state,
        input: root.frame.input,
        variables: root.frame.variables,
      };
    for (const frame of Object.values(this.snapshot.frames)) this.abandon(frame);
    this.snapshot.frames = {};
    const record = this.commit.record;
    record.status = status;
    record.stoppedAt = this.context.now;
    if (reason.error !== undefined) record.error = reason.error;
    if (reason.cause !== undefined) record.cause = reason.cause;
    const details: Record<string, Json> = {};
    if (reason.error !== undefined) details.error = reason.error;
    if (reason.cause !== undefined) details.cause = reason.cause;
    const parent = this.snapshot.parent;
    if (parent) {
      const final = { ...this.claim.record, ...record };
      this.commit.parentSettlement = {
        token: parent.token,
        outcome: syncOutcome(final, parent.parsed),
      };
    }
    if (status === "SUCCEEDED")
      this.history.record("ExecutionSucceeded", { output: JSON.parse(record.output ?? "null") });
    else if (status === "FAILED") this.history.record("ExecutionFailed", details);
    else if (status === "TIMED_OUT") this.history.record("ExecutionTimedOut", details);
    else this.history.record("ExecutionAborted", details);
  }

  /** Stops a frame that will not finish: its task is cancelled and an *Aborted event recorded. */
  private abandon(frame: StoredFrame): void {
    if (frame.task) {
      this.commit.cancelledTasks.push({ token: frame.task.token, status: "cancelled" });
      // A nested `.sync` execution started by this task stops with it.
      if (/:states:::states:startExecution\.sync/.test(frame.task.resource)) {
        this.commit.stopChildrenOf ??= [];
        this.commit.stopChildrenOf.push(frame.task.token);
      }
    }
    recordAbandoned(this.machineOf(frame), frame.frame, this.history);
    delete this.snapshot.frames[String(frame.id)];
  }

  private machineOf(frame: StoredFrame): CompiledMachine {
    const machine = this.machine.byPointer.get(frame.machine);
    if (!machine)
      throw new Error(`execution ${this.claim.record.arn}: no sub-machine at '${frame.machine}'`);
    return machine;
  }

  private timeoutAt(): number | undefined {
    const seconds = this.machine.timeoutSeconds;
    return seconds === undefined ? undefined : this.claim.record.startedAt + seconds * 1000;
  }

  /** Now when work is left over; else the earliest timer, task timeout or execution timeout. */
  private wakeAt(deadline: number | undefined): number | undefined {
    let wake = deadline;
    for (const frame of Object.values(this.snapshot.frames)) {
      const at = frame.status === "runnable" ? this.context.now : frame.dueAt;
      if (at !== undefined && (wake === undefined || at < wake)) wake = at;
    }
    return wake;
  }
}

function failedResumption(error: string, cause: string | undefined) {
  return cause === undefined
    ? { kind: "task-failed" as const, error }
    : { kind: "task-failed" as const, error, cause };
}

function executionInfo(claim: ClaimedExecution): ExecutionInfo {
  const { record } = claim;
  return {
    id: record.arn,
    name: record.name,
    input: JSON.parse(record.input) as Json,
    startTime: new Date(record.startedAt).toISOString(),
    roleArn: record.roleArn,
    redriveCount: record.redriveCount,
    stateMachineId: record.stateMachineArn,
    stateMachineName: record.stateMachineArn.split(":").at(-1) ?? "",
  };
}
