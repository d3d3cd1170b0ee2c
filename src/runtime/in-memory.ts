/**
 * Runs an execution entirely in memory with the pure evaluator: `opsflow run`, Express
 * workflows and tests. Nothing is persisted; waits use the injected clock.
 */
import { StatesErrorName } from "../asl/errors.js";
import type { Json } from "../asl/json.js";
import {
  type BranchResult,
  branchAborted,
  branchEnded,
  branchStarted,
  type CompiledMachine,
  concurrencyLimit,
  type Effect,
  type ExecutionInfo,
  type ForkEffect,
  type Frame,
  type HistorySink,
  joinResumption,
  openJoin,
  type Resumption,
  recordAbandoned,
  type StepContext,
  startFrame,
  step,
  taskEventPrefix,
} from "../evaluator/index.js";
import { type Clock, systemClock } from "../kernel/clock.js";
import { cryptoEntropy, type Entropy } from "../kernel/entropy.js";
import { type HistoryEvent, MemoryHistory } from "./history.js";
import { type TaskDispatcher, TaskFailure } from "./task-dispatcher.js";

/** How an execution ended. */
export type ExecutionStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** The outcome of an in-memory execution. */
export interface ExecutionResult {
  status: ExecutionStatus;
  output?: Json;
  error?: string;
  cause?: string;
  /** Present when the history was asked for. */
  history?: HistoryEvent[];
}

/** Options of `runInMemory`. */
export interface InMemoryOptions {
  dispatcher: TaskDispatcher;
  clock?: Clock;
  entropy?: Entropy;
  /** Keep and return the event history. */
  history?: boolean;
  /** Facts for the context object; sensible defaults otherwise. */
  execution?: Partial<ExecutionInfo>;
  /** Maximum state input/output size in bytes; undefined for no limit. */
  payloadLimitBytes?: number;
  /** Aborts the execution (status ABORTED). */
  signal?: AbortSignal;
}

const TIMED_OUT = Symbol("timed out");

/** A signal that never aborts, for executions nothing can stop from outside. */
const NEVER = new AbortController().signal;

/** Runs `machine` on `input` to the end and reports how it ended. */
export async function runInMemory(
  machine: CompiledMachine,
  input: Json,
  options: InMemoryOptions,
): Promise<ExecutionResult> {
  const clock = options.clock ?? systemClock;
  const history = new MemoryHistory(() => clock.now(), options.history ?? false);
  const execution = executionInfo(input, clock, options.execution);
  const runner = new MemoryRunner(
    options.dispatcher,
    clock,
    options.entropy ?? cryptoEntropy,
    execution,
    options.payloadLimitBytes,
  );
  history.record("ExecutionStarted", { input });

  const timeout = machine.timeoutSeconds;
  // An AbortController costs more than a short execution: make one only when it can fire.
  const controller = timeout !== undefined || options.signal ? new AbortController() : undefined;
  const signal = controller?.signal ?? NEVER;
  if (controller && options.signal) {
    options.signal.addEventListener("abort", () => controller.abort(options.signal?.reason), {
      once: true,
    });
  }
  const timer =
    controller && timeout !== undefined
      ? clock.sleepUntil(Date.parse(execution.startTime) + timeout * 1000, signal).then(
          () => controller.abort(TIMED_OUT),
          () => undefined,
        )
      : undefined;
  let result: BranchResult | undefined;
  try {
    result = await runner.runFrame(machine, startFrame(machine, input), history, signal);
  } finally {
    if (controller && !signal.aborted) controller.abort("finished");
    await timer;
  }
  const end = endOf(result, signal);
  recordEnd(history, end);
  if (options.history) end.history = history.events;
  return end;
}

function abandon(machine: CompiledMachine, frame: Frame, history: HistorySink): undefined {
  recordAbandoned(machine, frame, history);
  return undefined;
}

function endOf(result: BranchResult | undefined, signal: AbortSignal): ExecutionResult {
  if (result === undefined || (signal.aborted && signal.reason !== "finished")) {
    return signal.reason === TIMED_OUT ? { status: "TIMED_OUT" } : { status: "ABORTED" };
  }
  if (result.ok) return { status: "SUCCEEDED", output: result.output };
  const end: ExecutionResult = { status: "FAILED" };
  if (result.error !== undefined) end.error = result.error;
  if (result.cause !== undefined) end.cause = result.cause;
  return end;
}

function recordEnd(history: HistorySink, end: ExecutionResult): void {
  if (end.status === "SUCCEEDED")
    history.record("ExecutionSucceeded", { output: end.output ?? null });
  else if (end.status === "TIMED_OUT") history.record("ExecutionTimedOut");
  else if (end.status === "ABORTED") history.record("ExecutionAborted");
  else {
    const details: Record<string, string> = {};
    if (end.error !== undefined) details.error = end.error;
    if (end.cause !== undefined) details.cause = end.cause;
    history.record("ExecutionFailed", details);
  }
}

class MemoryRunner {
  constructor(
    private readonly dispatcher: TaskDispatcher,
    private readonly clock: Clock,
    private readonly entropy: Entropy,
    private readonly execution: ExecutionInfo,
    private readonly payloadLimitBytes: number | undefined,
  ) {}

  /** Drives one frame (the execution, a branch or an iteration) to its end. */
  async runFrame(
    machine: CompiledMachine,
    frame: Frame,
    history: HistorySink,
    signal: AbortSignal,
  ): Promise<BranchResult | undefined> {
    let resumption: Resumption | undefined;
    const context = this.context(history);
    for (;;) {
      if (signal.aborted) return abandon(machine, frame, history);
      context.now = this.clock.now();
      const pending = step(machine, frame, resumption, context);
      const effect = pending instanceof Promise ? await pending : pending;
      if (effect.kind === "succeeded") return { ok: true, output: effect.output };
      if (effect.kind === "failed") return { ok: false, error: effect.error, cause: effect.cause };
      try {
        resumption = await this.perform(effect, history, signal);
      } catch (error) {
        if (signal.aborted) return abandon(machine, frame, history);
        throw error;
      }
    }
  }

  private context(history: HistorySink): StepContext {
    const context: StepContext = {
      now: this.clock.now(),
      history,
      entropy: this.entropy,
      execution: this.execution,
    };
    if (this.payloadLimitBytes !== undefined) context.payloadLimitBytes = this.payloadLimitBytes;
    return context;
  }

  private async perform(
    effect: Exclude<Effect, { kind: "succeeded" | "failed" }>,
    history: HistorySink,
    signal: AbortSignal,
  ): Promise<Resumption | undefined> {
    switch (effect.kind) {
      case "continue":
        await new Promise((resolve) => setImmediate(resolve));
        return undefined;
      case "wait":
        await this.clock.sleepUntil(effect.untilMs, signal);
        return { kind: "wait-elapsed" };
      case "retry":
        await this.clock.sleepUntil(this.clock.now() + effect.delaySeconds * 1000, signal);
        return { kind: "retry-due" };
      case "invoke":
        return this.invoke(effect, history, signal);
      case "fork":
        return this.fork(effect, history, signal);
    }
  }

  private async invoke(
    effect: Extract<Effect, { kind: "invoke" }>,
    history: HistorySink,
    signal: AbortSignal,
  ): Promise<Resumption> {
    history.record(`${taskEventPrefix(effect.resource)}Started`, { resource: effect.resource });
    const controller = new AbortController();
    const stop = () => controller.abort(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    const deadline =
      effect.timeoutSeconds === undefined
        ? undefined
        : this.clock
            .sleepUntil(this.clock.now() + effect.timeoutSeconds * 1000, controller.signal)
            .then(
              () => new TaskFailure(StatesErrorName.Timeout),
              () => undefined,
            );
    try {
      const invocation = this.dispatcher.invoke(
        {
          resource: effect.resource,
          parameters: effect.parameters,
          stateName: effect.state,
          idempotencyKey: `${this.execution.id}/${effect.scheduledEventId}`,
          executionArn: this.execution.id,
          ...(effect.timeoutSeconds !== undefined && { timeoutSeconds: effect.timeoutSeconds }),
        },
        controller.signal,
      );
      const outcome = await (deadline ? Promise.race([invocation, deadline]) : invocation);
      if (outcome instanceof TaskFailure) throw outcome;
      return { kind: "task-succeeded", output: outcome as Json };
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof TaskFailure) {
        return error.cause === undefined
          ? { kind: "task-failed", error: error.error }
          : { kind: "task-failed", error: error.error, cause: error.cause };
      }
      const failure = error as Error;
      return { kind: "task-failed", error: failure.name || "Error", cause: failure.message };
    } finally {
      signal.removeEventListener("abort", stop);
      if (!controller.signal.aborted) controller.abort("finished");
    }
  }

  /** Runs branches or iterations with bounded concurrency; the first intolerable failure aborts the rest. */
  private async fork(
    effect: ForkEffect,
    history: HistorySink,
    signal: AbortSignal,
  ): Promise<Resumption> {
    const join = openJoin(effect);
    const controller = new AbortController();
    const stop = () => controller.abort(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    let next = 0;

    const worker = async () => {
      while (next < join.total && !controller.signal.aborted) {
        const index = next++;
        const branch = effect.branches[index];
        // A distributed Map's iterations are runs of their own: their events are not kept.
        const sink = effect.distributed
          ? new MemoryHistory(() => this.clock.now(), false)
          : history;
        branchStarted(join, index, history);
        const frame = startFrame(branch.machine, branch.input, effect.outerVariables);
        const result = await this.runFrame(branch.machine, frame, sink, controller.signal);
        if (result === undefined) branchAborted(join, index, history);
        else if (
          branchEnded(join, index, result, history, { machine: branch.machine, frame }) === "failed"
        )
          controller.abort("branch failed");
      }
    };
    const limit = Math.min(concurrencyLimit(effect.maxConcurrency), join.total);
    try {
      await Promise.all(Array.from({ length: Math.max(limit, 0) }, worker));
    } finally {
      signal.removeEventListener("abort", stop);
    }
    if (signal.aborted) throw signal.reason;
    return joinResumption(join);
  }
}

function executionInfo(
  input: Json,
  clock: Clock,
  given: Partial<ExecutionInfo> = {},
): ExecutionInfo {
  return new DefaultExecutionInfo(input, clock.now(), given);
}

/**
 * Execution facts with defaults for what the caller did not give; the strings are built only
 * if the context object is read, which most executions never do.
 */
class DefaultExecutionInfo implements ExecutionInfo {
  private generatedName: string | undefined;

  constructor(
    readonly input: Json,
    private readonly startedAt: number,
    private readonly given: Partial<ExecutionInfo>,
  ) {}

  get name(): string {
    this.generatedName ??= this.given.name ?? cryptoEntropy.uuid();
    return this.generatedName;
  }
  get stateMachineName(): string {
    return this.given.stateMachineName ?? "local";
  }
  get stateMachineId(): string {
    return (
      this.given.stateMachineId ??
      `arn:aws:states:us-east-1:000000000000:stateMachine:${this.stateMachineName}`
    );
  }
  get id(): string {
    return (
      this.given.id ??
      `arn:aws:states:us-east-1:000000000000:execution:${this.stateMachineName}:${this.name}`
    );
  }
  get startTime(): string {
    return this.given.startTime ?? new Date(this.startedAt).toISOString();
  }
  get roleArn(): string {
    return this.given.roleArn ?? "arn:aws:iam::000000000000:role/opsflow";
  }
  get redriveCount(): number {
    return this.given.redriveCount ?? 0;
  }
}
