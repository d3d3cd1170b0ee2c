/**
 * Parallel branches and Map iterations as durable child frames: starting them within
 * MaxConcurrency, aborting siblings, and resuming the parent when the last one is done. What a
 * child's end means (its output, a tolerated failure, the error the state fails with, the Map
 * iteration events) the evaluator's join rules decide, as they do for the in-memory runner.
 */
import type { Json } from "../../asl/json.js";
import {
  type BranchResult,
  branchAborted,
  branchEnded,
  branchStarted,
  type CompiledMachine,
  concurrencyLimit,
  type ForkEffect,
  joinResumption,
  openJoin,
  startFrame,
} from "../../evaluator/index.js";
import type { HistoryBuffer } from "./history-buffer.js";
import type { ExecutionSnapshot, ForkState, StoredFrame } from "./snapshot.js";

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
      ...openJoin(effect),
      machines:
        effect.mode === "map" ? machines : effect.branches.map((branch) => branch.machine.pointer),
      pending: effect.branches.map((branch, index) => ({ index, input: branch.input })),
      maxConcurrency: effect.maxConcurrency,
      outerVariables: effect.outerVariables,
      running: [],
    };
    frame.status = "fork";
    frame.fork = fork;
    if (fork.total === 0) this.resume(frame, joinResumption(fork));
    else this.startMore(frame, fork);
  }

  /** A child frame ended; the parent may start more children, fail, or resume. */
  childFinished(child: StoredFrame, result: BranchResult): void {
    const parent = this.snapshot.frames[String(child.parent)];
    const fork = parent?.fork;
    if (!parent || !fork || child.branch === undefined) return;
    fork.running = fork.running.filter((id) => id !== child.id);
    const next = branchEnded(fork, child.branch, result, this.history, {
      machine: this.machineAt(child.machine),
      frame: child.frame,
    });
    if (next === "failed") this.fail(parent, fork);
    else if (next === "done") this.resume(parent, joinResumption(fork));
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
    const limit = concurrencyLimit(fork.maxConcurrency);
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
      branchStarted(fork, next.index, this.history);
    }
  }

  private fail(parent: StoredFrame, fork: ForkState): void {
    for (const id of fork.running) {
      const sibling = this.snapshot.frames[String(id)];
      if (!sibling) continue;
      this.abandonTree(sibling);
      branchAborted(fork, sibling.branch ?? 0, this.history);
    }
    fork.running = [];
    fork.pending = [];
    this.resume(parent, joinResumption(fork));
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

  private machineAt(pointer: string): CompiledMachine {
    const machine = this.root.byPointer.get(pointer);
    if (!machine) throw new Error(`no sub-machine at '${pointer}'`);
    return machine;
  }
}
