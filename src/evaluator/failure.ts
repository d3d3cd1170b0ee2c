/**
 * Retry and Catch: what happens when a Task, Parallel or Map state fails with a named error.
 */

import { applyResultPath, type CompiledResultPath } from "../asl/data-flow.js";
import type { Catcher, QueryLanguage, Retrier } from "../asl/definition.js";
import { StatesErrorName } from "../asl/errors.js";
import type { Json, JsonObject } from "../asl/json.js";
import { type CompiledValue, compileValue } from "./expressions.js";
import { compileOptionalResultPath, exitState } from "./io.js";
import type { StateOutcome } from "./machine.js";
import type { StateRun } from "./run.js";

interface CompiledCatcher {
  readonly errorEquals: readonly string[];
  readonly next: string;
  readonly resultPath: CompiledResultPath | null | undefined;
  readonly output: CompiledValue | undefined;
  readonly assign: CompiledValue | undefined;
}

/** The compiled Retry and Catch fields of a state. */
export interface ErrorHandling {
  readonly retriers: readonly Retrier[];
  readonly catchers: readonly CompiledCatcher[];
  readonly language: QueryLanguage;
}

/** Compiles Retry and Catch. */
export function compileErrorHandling(
  retry: Retrier[] | undefined,
  catchers: Catcher[] | undefined,
  language: QueryLanguage,
): ErrorHandling {
  return {
    retriers: retry ?? [],
    catchers: (catchers ?? []).map((catcher, index) => ({
      errorEquals: catcher.ErrorEquals,
      next: catcher.Next,
      resultPath: compileOptionalResultPath(catcher.ResultPath),
      output:
        language === "JSONata" && catcher.Output !== undefined
          ? compileValue(catcher.Output, `Catch[${index}].Output`, language)
          : undefined,
      assign:
        catcher.Assign !== undefined
          ? compileValue(catcher.Assign, `Catch[${index}].Assign`, language)
          : undefined,
    })),
    language,
  };
}

/**
 * Whether `error` is matched by an ErrorEquals list. States.ALL matches every error but
 * States.Runtime and States.DataLimitExceeded, which are terminal; States.TaskFailed matches
 * any error a task raised except States.Timeout.
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === StatesErrorName.All && !isTerminal(error)) return true;
    if (
      name === StatesErrorName.TaskFailed &&
      !error.startsWith("States.") &&
      error !== StatesErrorName.Timeout
    ) {
      return true;
    }
  }
  return false;
}

function isTerminal(error: string): boolean {
  return error === StatesErrorName.Runtime || error === StatesErrorName.DataLimitExceeded;
}

/**
 * Applies Retry, then Catch, to a failure of the current state. Returns a retry effect, a
 * transition to a catcher's Next, or the failure itself. `beforeCatchOrFail` runs once it is
 * clear the state will not be retried (Map records MapStateFailed only then).
 */
export async function handleFailure(
  handling: ErrorHandling,
  run: StateRun,
  error: string | undefined,
  cause: string | undefined,
  beforeCatchOrFail?: () => void,
): Promise<StateOutcome> {
  if (error === undefined) {
    // A Fail state without Error propagates as a failure no ErrorEquals can name.
    beforeCatchOrFail?.();
    return { kind: "failed", error, cause };
  }
  const { frame } = run;
  for (let index = 0; index < handling.retriers.length; index++) {
    const retrier = handling.retriers[index];
    if (!errorMatches(retrier.ErrorEquals, error)) continue;
    const attempts = frame.retryCounts[index] ?? 0;
    if (attempts < (retrier.MaxAttempts ?? 3)) {
      frame.retryCounts[index] = attempts + 1;
      return {
        kind: "retry",
        state: run.state.name,
        delaySeconds: retryDelay(retrier, attempts, run),
      };
    }
    break;
  }
  beforeCatchOrFail?.();
  for (const catcher of handling.catchers) {
    if (!errorMatches(catcher.errorEquals, error)) continue;
    const errorOutput: JsonObject = { Error: error };
    if (cause !== undefined) errorOutput.Cause = cause;
    return catchInto(handling, catcher, run, errorOutput);
  }
  return { kind: "failed", error, cause };
}

async function catchInto(
  handling: ErrorHandling,
  catcher: CompiledCatcher,
  run: StateRun,
  errorOutput: JsonObject,
): Promise<StateOutcome> {
  const raw = run.frame.input;
  let output: Json;
  let assigned: JsonObject | undefined;
  if (handling.language === "JSONata") {
    const states = { input: raw, errorOutput };
    output = catcher.output ? await catcher.output(run, raw, states) : errorOutput;
    if (catcher.assign) assigned = (await catcher.assign(run, raw, states)) as JsonObject;
  } else {
    if (catcher.assign)
      assigned = (await catcher.assign(run, errorOutput, { input: raw })) as JsonObject;
    try {
      output = applyResultPath(raw, errorOutput, catcher.resultPath);
    } catch (error) {
      return run.locate(error);
    }
  }
  return exitState(run, output, assigned, catcher.next);
}

/** IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds, with optional full jitter. */
export function retryDelay(retrier: Retrier, attempt: number, run: StateRun): number {
  let delay = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  if (retrier.MaxDelaySeconds !== undefined) delay = Math.min(delay, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === "FULL") delay *= run.step.entropy.random();
  return delay;
}
