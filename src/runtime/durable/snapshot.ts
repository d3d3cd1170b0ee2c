/**
 * The runtime state of one durable execution, stored as one JSON document next to the
 * execution row: every frame (the root, Parallel branches, Map iterations) with what it waits
 * for. It is read at claim time and written back in the same transaction as the history.
 */
import type { Json, JsonObject } from "../../asl/json.js";
import type { Frame, JoinState, Resumption, TaskEventPrefix } from "../../evaluator/index.js";

/** What a stored frame is waiting for. */
export type FrameStatus = "runnable" | "timer" | "task" | "fork";

/** A task the frame waits on. */
export interface PendingTask {
  token: string;
  resource: string;
  /** Absolute deadline from TimeoutSeconds. */
  timeoutAt?: number;
  heartbeatSeconds?: number;
  /** History event prefix: "LambdaFunction" or "Task". */
  prefix: TaskEventPrefix;
  /** TaskStarted/LambdaFunctionStarted was recorded. */
  started: boolean;
  scheduledAt: number;
}

/**
 * The bookkeeping of a Parallel or Map state waiting for its children: the evaluator's join
 * tally, and which children run, wait, and on what.
 */
export interface ForkState extends JoinState {
  /** Sub-machine pointer each child runs. */
  machines: string[];
  /** Inputs of children not started yet (index → input), and their Map items. */
  pending: { index: number; input: Json }[];
  maxConcurrency: number;
  outerVariables: JsonObject;
  running: number[];
}

/** One frame of the execution. */
export interface StoredFrame {
  id: number;
  parent?: number;
  branch?: number;
  /** JSON Pointer of the (sub)machine this frame runs ("" for the root). */
  machine: string;
  frame: Frame;
  status: FrameStatus;
  /** When a timer frame (or a task's timeout) is due. */
  dueAt?: number;
  /** What to resume the frame with when it next runs. */
  resumption?: Resumption;
  task?: PendingTask;
  fork?: ForkState;
}

/** The whole runtime state of an execution. */
export interface ExecutionSnapshot {
  frames: Record<string, StoredFrame>;
  nextFrameId: number;
  /** Set when a Task started this execution with `.sync`/`.sync:2`: settle it at the end. */
  parent?: { token: string; parsed: boolean };
  /** Where the execution failed, kept for RedriveExecution. */
  failedAt?: { state: string; input: Json; variables: JsonObject };
}

/** Parses a stored snapshot. */
export function readSnapshot(text: string): ExecutionSnapshot {
  return JSON.parse(text) as ExecutionSnapshot;
}

/** The snapshot of a new execution: the root frame, runnable. */
export function initialSnapshot(frame: Frame): ExecutionSnapshot {
  return { frames: { "0": { id: 0, machine: "", frame, status: "runnable" } }, nextFrameId: 1 };
}
