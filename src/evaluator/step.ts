/**
 * The evaluator's entry point: advance a frame through pure states until it needs the world
 * (a task, a timer, a fork) or ends. No clock, no I/O: time, randomness and history recording
 * come in through the StepContext, and the frame is plain JSON the caller may store.
 */
import { StatesError, StatesErrorName } from "../asl/errors.js";
import type { Json, JsonObject } from "../asl/json.js";
import type { CompiledMachine, CompiledState, StateOutcome } from "./machine.js";
import type { MaybePromise } from "./maybe.js";
import { StateRun } from "./run.js";
import type { Effect, Frame, Resumption, StepContext } from "./types.js";

/** Pure transitions run in one call before it returns a `continue` effect. */
const MAX_TRANSITIONS_PER_STEP = 1000;

/** A frame positioned at the start of `machine`, not yet entered. */
export function startFrame(
  machine: CompiledMachine,
  input: Json,
  outerVariables?: JsonObject,
): Frame {
  const frame: Frame = {
    state: machine.startAt,
    input,
    phase: "enter",
    enteredEventId: 0,
    enteredAt: 0,
    retryCounts: [],
    variables: {},
  };
  if (outerVariables !== undefined) frame.outerVariables = outerVariables;
  return frame;
}

/**
 * Advances `frame` (mutating it) and returns what the runner must do next. Pass a resumption
 * exactly when the frame is "active", i.e. when the previous call returned an effect other than
 * `continue`, `succeeded` or `failed`. The result is a promise only when a JSONata expression
 * (or another asynchronous part) had to be awaited.
 */
export function step(
  machine: CompiledMachine,
  frame: Frame,
  resumption: Resumption | undefined,
  context: StepContext,
): MaybePromise<Effect> {
  if (resumption === undefined)
    return drive(machine, frame, context, enter(machine, frame, context), 0);
  if (frame.phase !== "active") {
    throw new Error(`frame in state '${frame.state}' is not awaiting a resumption`);
  }
  const state = stateOf(machine, frame);
  const outcome = guarded(state, frame, context, (run) => state.resume(run, resumption));
  return drive(machine, frame, context, outcome, 0);
}

/** Follows transitions through pure states until an effect or the end. */
function drive(
  machine: CompiledMachine,
  frame: Frame,
  context: StepContext,
  pending: MaybePromise<StateOutcome>,
  transitions: number,
): MaybePromise<Effect> {
  let outcome = pending;
  for (let count = transitions; ; count++) {
    if (outcome instanceof Promise) {
      return outcome.then((settled) => drive(machine, frame, context, settled, count));
    }
    switch (outcome.kind) {
      case "transition":
        frame.state = outcome.next;
        frame.input = outcome.output;
        frame.phase = "enter";
        frame.retryCounts = [];
        if (count >= MAX_TRANSITIONS_PER_STEP) return { kind: "continue" };
        outcome = enter(machine, frame, context);
        continue;
      case "end":
        return { kind: "succeeded", output: outcome.output };
      case "failed":
      case "continue":
        return outcome;
      default:
        frame.phase = "active";
        return outcome;
    }
  }
}

function stateOf(machine: CompiledMachine, frame: Frame): CompiledState {
  const state = machine.states.get(frame.state);
  if (state === undefined) throw new Error(`no state named '${frame.state}'`);
  return state;
}

function enter(
  machine: CompiledMachine,
  frame: Frame,
  context: StepContext,
): MaybePromise<StateOutcome> {
  const state = stateOf(machine, frame);
  frame.enteredAt = context.now;
  frame.enteredEventId = context.history.record(`${state.type}StateEntered`, {
    name: state.name,
    input: frame.input,
  });
  frame.phase = "active";
  return guarded(state, frame, context, (run) => state.enter(run));
}

/** Runs a state's code, turning a States.* error it raises into a failure of the machine. */
function guarded(
  state: CompiledState,
  frame: Frame,
  context: StepContext,
  body: (run: StateRun) => MaybePromise<StateOutcome>,
): MaybePromise<StateOutcome> {
  try {
    const outcome = body(new StateRun(frame, state, context));
    if (!(outcome instanceof Promise)) return outcome;
    return outcome.catch((error: unknown) => failure(state, context, error));
  } catch (error) {
    return failure(state, context, error);
  }
}

function failure(state: CompiledState, context: StepContext, error: unknown): StateOutcome {
  if (!(error instanceof StatesError)) throw error;
  if (error.error === StatesErrorName.QueryEvaluationError) {
    const details: JsonObject = { error: error.error, state: state.name };
    if (error.cause !== undefined) details.cause = error.cause;
    context.history.record("EvaluationFailed", details);
    if (state.evaluationFailedEvent)
      context.history.record(state.evaluationFailedEvent, { name: state.name });
  }
  return { kind: "failed", error: error.error, cause: error.cause };
}
