/**
 * The join rules of Parallel and Map, once for every runner: which branch failures the state
 * tolerates (ToleratedFailureCount / ToleratedFailurePercentage) and what it fails with when
 * one is too many, the Map iteration events an inline Map records, how many branches run at
 * once, and what the state resumes with. Runners start, run and abort the branches their own
 * way (the in-memory runner as promises, the durable runtime as stored child frames) and tell
 * these rules what happened; the rules keep their tally in a `JoinState`, plain JSON the
 * durable runtime stores with the frame.
 */
import { StatesErrorName } from "../asl/errors.js";
import type { Json } from "../asl/json.js";
import { recordAbandoned } from "./abandon.js";
import type { HistorySink } from "./history.js";
import type { CompiledMachine } from "./machine.js";
import type { ForkEffect, Frame, Resumption } from "./types.js";

/** The tally of one Parallel or Map state waiting for its branches. Serializable. */
export interface JoinState {
  mode: "parallel" | "map";
  /** The Parallel or Map state's name. */
  state: string;
  /** A distributed Map: its iterations are runs of their own, with no events in this history. */
  distributed: boolean;
  total: number;
  /** Branches that ended, successfully or not. */
  finished: number;
  failures: number;
  /** Each branch's output, in branch order (null for a tolerated failure). */
  outputs: Json[];
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  /** The failure that ends the state, once one is intolerable. */
  failure?: { error?: string; cause?: string };
}

/** How one branch ended, as its runner saw it. */
export type BranchResult =
  | { ok: true; output: Json }
  | { ok: false; error?: string; cause?: string };

/** What the runner does after a branch ended. */
export type JoinStep =
  /** Start more branches if any wait (and slots are free). */
  | "more"
  /** Every branch ended: resume the state with `joinResumption`. */
  | "done"
  /** A failure is not tolerated: abort the branches still running, then resume the state. */
  | "failed";

/** The tally of a fork the evaluator asked for, before any branch started. */
export function openJoin(effect: ForkEffect): JoinState {
  const join: JoinState = {
    mode: effect.mode,
    state: effect.state,
    distributed: effect.distributed ?? false,
    total: effect.branches.length,
    finished: 0,
    failures: 0,
    outputs: new Array(effect.branches.length).fill(null),
  };
  if (effect.toleratedFailureCount !== undefined)
    join.toleratedFailureCount = effect.toleratedFailureCount;
  if (effect.toleratedFailurePercentage !== undefined)
    join.toleratedFailurePercentage = effect.toleratedFailurePercentage;
  return join;
}

/** How many branches may run at once: MaxConcurrency, 0 meaning no limit. */
export function concurrencyLimit(maxConcurrency: number): number {
  return maxConcurrency > 0 ? maxConcurrency : Number.POSITIVE_INFINITY;
}

/** A branch was started. */
export function branchStarted(join: JoinState, index: number, history: HistorySink): void {
  if (recordsIterations(join)) history.record("MapIterationStarted", { index, name: join.state });
}

/** A running branch was stopped because the state failed (or the execution ended). */
export function branchAborted(join: JoinState, index: number, history: HistorySink): void {
  if (recordsIterations(join)) history.record("MapIterationAborted", { index, name: join.state });
}

/**
 * A branch ended with `result`: records it (a failed Parallel branch is torn down with its
 * failing task, which AWS records as aborted, so `branch` is where it stopped) and says what
 * the runner does next. The first intolerable failure is the one the state fails with.
 */
export function branchEnded(
  join: JoinState,
  index: number,
  result: BranchResult,
  history: HistorySink,
  branch: { machine: CompiledMachine; frame: Frame },
): JoinStep {
  join.finished++;
  if (result.ok) {
    join.outputs[index] = result.output;
    if (recordsIterations(join))
      history.record("MapIterationSucceeded", { index, name: join.state });
  } else {
    if (recordsIterations(join)) history.record("MapIterationFailed", { index, name: join.state });
    if (join.mode === "parallel") recordAbandoned(branch.machine, branch.frame, history);
    join.failures++;
    join.outputs[index] = null;
    if (!tolerated(join)) {
      join.failure ??= configured(join)
        ? {
            error: StatesErrorName.ExceedToleratedFailureThreshold,
            cause: "The specified tolerated failure threshold was exceeded",
          }
        : withoutUndefined({ error: result.error, cause: result.cause });
      return "failed";
    }
  }
  return join.finished === join.total ? "done" : "more";
}

/** What the Parallel or Map state resumes with once it is done or has failed. */
export function joinResumption(join: JoinState): Resumption {
  const failure = join.failure;
  if (!failure) return { kind: "branches-succeeded", outputs: join.outputs };
  return failure.cause === undefined
    ? { kind: "branches-failed", error: failure.error }
    : { kind: "branches-failed", error: failure.error, cause: failure.cause };
}

/** Whether the state records Map iteration events: an inline Map does, Parallel and distributed Maps do not. */
function recordsIterations(join: JoinState): boolean {
  return join.mode === "map" && !join.distributed;
}

function configured(join: JoinState): boolean {
  return join.toleratedFailureCount !== undefined || join.toleratedFailurePercentage !== undefined;
}

/** Without a tolerance, no failure is tolerated; with one, every limit given must hold. */
function tolerated(join: JoinState): boolean {
  if (!configured(join)) return false;
  const { failures, total } = join;
  return (
    (join.toleratedFailureCount === undefined || failures <= join.toleratedFailureCount) &&
    (join.toleratedFailurePercentage === undefined ||
      (failures * 100) / total <= join.toleratedFailurePercentage)
  );
}

function withoutUndefined(failure: { error?: string; cause?: string }): {
  error?: string;
  cause?: string;
} {
  const out: { error?: string; cause?: string } = {};
  if (failure.error !== undefined) out.error = failure.error;
  if (failure.cause !== undefined) out.cause = failure.cause;
  return out;
}
