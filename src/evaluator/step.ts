/**
 * The evaluator's entry point: advance a frame through pure states until it needs the world
 * (a task, a timer, a fork) or ends. No clock, no I/O: time, randomness and history recording
 * come in through the StepContext, and the frame is plain JSON the caller may store.
 */
import { StatesError, StatesErrorName } from "../asl/errors.js";
import type { Json, JsonObject } from "../asl/json.js";
import type { CompiledMachine, StateOutcome } from "./machine.js";
import { StateRun } from "./run.js";
import type { Effect, Frame, Resumption, StepContext } from "./types.js";

/** Pure transitions run in one call before it returns a `continue` effect. */
const MAX_TRANSITIONS_PER_STEP = 1000;

/** A frame positioned at the start of `machine`, not yet entered. */
export function startFrame(machine: CompiledMachine, input: Json, outerVariables?: JsonObject): Frame {
  const frame: Frame = {
    state: machine.startAt,
    input,
    phase: "enter",
    enteredEventId: 0,
    enteredTime: "",
    retryCounts: [],
    variables: {},
  };
  if (outerVariables !== undefined) frame.outerVariables = outerVariables;
  return frame;
}

/**
 * Advances `frame` (mutating it) and returns what the runner must do next. Pass a resumption
 * exactly when the frame is "active", i.e. when the previous call returned an effect other than
 * `continue`, `succeeded` or `failed`.
 */
export async function step(
  machine: CompiledMachine,
  frame: Frame,
  resumption: Resumption | undefined,
  context: StepContext,
): Promise<Effect> {
  let outcome: StateOutcome;
  if (resumption !== undefined) {
    if (frame.phase !== "active") throw new Error(`frame in state '${frame.state}' is not awaiting a resumption`);
    outcome = await guarded(machine, frame, context, (run, state) => state.resume(run, resumption));
  } else {
    outcome = await enter(machine, frame, context);
  }
  for (let transitions = 0; ; transitions++) {
    switch (outcome.kind) {
      case "transition":
        frame.state = outcome.next;
        frame.input = outcome.output;
        frame.phase = "enter";
        frame.retryCounts = [];
        if (transitions >= MAX_TRANSITIONS_PER_STEP) return { kind: "continue" };
        outcome = await enter(machine, frame, context);
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

async function enter(machine: CompiledMachine, frame: Frame, context: StepContext): Promise<StateOutcome> {
  const state = machine.states.get(frame.state);
  if (state === undefined) throw new Error(`no state named '${frame.state}'`);
  frame.enteredTime = context.now;
  frame.enteredEventId = context.history.record(`${state.type}StateEntered`, {
    name: state.name,
    input: frame.input,
  });
  frame.phase = "active";
  return guarded(machine, frame, context, (run) => state.enter(run));
}

/** Runs a state's code, turning a States.* error it raises into a failure of the machine. */
async function guarded(
  machine: CompiledMachine,
  frame: Frame,
  context: StepContext,
  body: (run: StateRun, state: NonNullable<ReturnType<CompiledMachine["states"]["get"]>>) => Promise<StateOutcome>,
): Promise<StateOutcome> {
  const state = machine.states.get(frame.state);
  if (state === undefined) throw new Error(`no state named '${frame.state}'`);
  try {
    return await body(new StateRun(frame, state, context), state);
  } catch (error) {
    if (!(error instanceof StatesError)) throw error;
    if (error.error === StatesErrorName.QueryEvaluationError) {
      const details: JsonObject = { error: error.error, state: state.name };
      if (error.cause !== undefined) details.cause = error.cause;
      context.history.record("EvaluationFailed", details);
      if (state.evaluationFailedEvent) context.history.record(state.evaluationFailedEvent, { name: state.name });
    }
    return { kind: "failed", error: error.error, cause: error.cause };
  }
}
