/**
 * Parallel branches and Map iterations as durable child frames: starting them within
 * MaxConcurrency, collecting outputs in order, tolerating failures, aborting siblings, and
 * resuming the parent when the last one is done.
 */
import { StatesErrorName } from "../../asl/errors.js";
import type { Json } from "../../asl/json.js";
import {
  type CompiledMachine,
  type ForkEffect,
  recordAbandoned,
  startFrame,
} from "../../evaluator/index.js";
import type { HistoryBuffer } from "./history-buffer.js";
import type { ExecutionSnapshot, ForkState, StoredFrame } from "./snapshot.js";

type Result = { ok: true; output: Json } | { ok: false; error?: string; cause?: string };

/** Tracks the forks of one execution pass. */
export class ForkTracker {
  constructor(
    private readonly snapshot: ExecutionSnapshot,
    private readonly history: HistoryBuffer,
    private readonly root: CompiledMachine,
    private readonly abandon: (frame: StoredFrame) => void,
  ) {}

  /** A frame entered Parallel or Map: it now waits for its children. */
  open(frame: StoredFrame, effect: ForkEffect): void {
    const machines = [...new Set(effect.branches.map((branch) => branch.machine.pointer))];
    const fork: ForkState = {
      mode: effect.mode,
      state: effect.state,
      distributed: effect.distributed ?? false,
      machines:
        effect.mode === "map" ? machines : effect.branches.map((branch) => branch.machine.pointer),
      pending: effect.branches.map((branch, index) => ({ index, input: branch.input })),
      maxConcurrency: effect.maxConcurrency,
      outerVariables: effect.outerVariables,
      total: effect.branches.length,
      running: [],
      outputs: new Array(effect.branches.length).fill(null),
      finished: 0,
      failures: 0,
    };
    if (effect.toleratedFailureCount !== undefined)
      fork.toleratedFailureCount = effect.toleratedFailureCount;
    if (effect.toleratedFailurePercentage !== undefined)
      fork.toleratedFailurePercentage = effect.toleratedFailurePercentage;
    frame.status = "fork";
    frame.fork = fork;
    if (fork.total === 0) this.resume(frame, { kind: "branches-succeeded", outputs: [] });
    else this.startMore(frame, fork);
  }

  /** A child frame ended; the parent may start more children, fail, or resume. */
  childFinished(child: StoredFrame, result: Result): void {
    const parent = this.snapshot.frames[String(child.parent)];
    const fork = parent?.fork;
    if (!parent || !fork || child.branch === undefined) return;
    fork.running = fork.running.filter((id) => id !== child.id);
    fork.finished++;
    const iteration = this.iterationEvents(fork);
    if (result.ok) {
      fork.outputs[child.branch] = result.output;
      if (iteration)
        this.history.record("MapIterationSucceeded", { index: child.branch, name: fork.state });
    } else {
      if (iteration)
        this.history.record("MapIterationFailed", { index: child.branch, name: fork.state });
      // A failed Parallel branch is torn down with its failing task: AWS records it as aborted.
      if (fork.mode === "parallel")
        recordAbandoned(this.machineAt(child.machine), child.frame, this.history);
      fork.failures++;
      if (!tolerated(fork)) {
        fork.failure = configured(fork)
          ? {
              error: StatesErrorName.ExceedToleratedFailureThreshold,
              cause: "The specified tolerated failure threshold was exceeded",
            }
          : { error: result.error, cause: result.cause };
        this.fail(parent, fork);
        return;
      }
    }
    if (fork.finished === fork.total)
      this.resume(parent, { kind: "branches-succeeded", outputs: fork.outputs });
    else this.startMore(parent, fork);
  }

  /** Whether the frame runs inside a distributed Map (its events are not the parent's). */
  isDetached(frame: StoredFrame): boolean {
    for (let current = frame; current.parent !== undefined; ) {
      const parent = this.snapshot.frames[String(current.parent)];
      if (!parent) return false;
      if (parent.fork?.distributed) return true;
      current = parent;
    }
    return false;
  }

  private startMore(parent: StoredFrame, fork: ForkState): void {
    const limit = fork.maxConcurrency > 0 ? fork.maxConcurrency : Number.POSITIVE_INFINITY;
    while (fork.running.length < limit && fork.pending.length > 0) {
      const next = fork.pending.shift() as { index: number; input: Json };
      const pointer = fork.machines.length === 1 ? fork.machines[0] : fork.machines[next.index];
      const id = this.snapshot.nextFrameId++;
      this.snapshot.frames[String(id)] = {
        id,
        parent: parent.id,
        branch: next.index,
        machine: pointer,
        frame: startFrame(this.machineAt(pointer), next.input, fork.outerVariables),
        status: "runnable",
      };
      fork.running.push(id);
      if (this.iterationEvents(fork))
        this.history.record("MapIterationStarted", { index: next.index, name: fork.state });
    }
  }

  private fail(parent: StoredFrame, fork: ForkState): void {
    for (const id of fork.running) {
      const sibling = this.snapshot.frames[String(id)];
      if (!sibling) continue;
      this.abandonTree(sibling);
      if (this.iterationEvents(fork))
        this.history.record("MapIterationAborted", {
          index: sibling.branch ?? 0,
          name: fork.state,
        });
    }
    fork.running = [];
    fork.pending = [];
    const failure = fork.failure ?? {};
    this.resume(
      parent,
      failure.cause === undefined
        ? { kind: "branches-failed", error: failure.error }
        : { kind: "branches-failed", error: failure.error, cause: failure.cause },
    );
  }

  /** Abandons a frame and, if it waits on a fork, everything under it. */
  private abandonTree(frame: StoredFrame): void {
    for (const id of frame.fork?.running ?? []) {
      const child = this.snapshot.frames[String(id)];
      if (child) this.abandonTree(child);
    }
    this.abandon(frame);
  }

  private resume(parent: StoredFrame, resumption: NonNullable<StoredFrame["resumption"]>): void {
    parent.status = "runnable";
    parent.fork = undefined;
    parent.resumption = resumption;
  }

  private iterationEvents(fork: ForkState): boolean {
    return fork.mode === "map" && !fork.distributed;
  }

  private machineAt(pointer: string): CompiledMachine {
    const machine = this.root.byPointer.get(pointer);
    if (!machine) throw new Error(`no sub-machine at '${pointer}'`);
    return machine;
  }
}

function configured(fork: ForkState): boolean {
  return fork.toleratedFailureCount !== undefined || fork.toleratedFailurePercentage !== undefined;
}

function tolerated(fork: ForkState): boolean {
  if (!configured(fork)) return false;
  const { failures, total } = fork;
  return (
    (fork.toleratedFailureCount === undefined || failures <= fork.toleratedFailureCount) &&
    (fork.toleratedFailurePercentage === undefined ||
      (failures * 100) / total <= fork.toleratedFailurePercentage)
  );
}
