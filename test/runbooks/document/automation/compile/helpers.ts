/**
 * Compiling runbooks and running them in memory. The handlers stand in for the
 * `opsflow:automation.*` resources the runtime will serve: actions answer as each test
 * scripts them; branch, loopNext and sleep evaluate the few operators the tests use.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { isJsonObject, type Json, type JsonObject } from "../../../../../src/asl/json.js";
import { validateDefinition } from "../../../../../src/asl/validation/index.js";
import { compileMachine } from "../../../../../src/evaluator/index.js";
import { VirtualClock } from "../../../../../src/kernel/clock.js";
import {
  type AutomationDocument,
  automationInput,
  type CompiledRunbook,
  compileRunbook,
  durationSeconds,
  parseDocument,
  stepOfState,
} from "../../../../../src/runbooks/document/index.js";
import { runInMemory } from "../../../../../src/runtime/in-memory.js";
import { type TaskDispatcher, TaskFailure } from "../../../../../src/runtime/task-dispatcher.js";

const SEEDS = new URL("../../../../../../shared/seed-workflows/", import.meta.url);

/** A seed's runbook, parsed. */
export function seedRunbook(path: string): AutomationDocument {
  return automation(readFileSync(new URL(path, SEEDS), "utf8"));
}

/** A runbook text parsed as Automation. */
export function automation(text: string): AutomationDocument {
  const document = parseDocument(text);
  assert.equal(document.documentType, "Automation");
  return document as AutomationDocument;
}

/** A runbook of `steps` (and `parameters`), parsed. */
export function runbookOf(steps: JsonObject[], parameters: JsonObject = {}): AutomationDocument {
  return automation(JSON.stringify({ schemaVersion: "0.3", parameters, mainSteps: steps }));
}

/** Compiles and asserts the definition passes the ASL validator. */
export function compiled(document: AutomationDocument): CompiledRunbook {
  const result = compileRunbook(document);
  assert.deepEqual(validateDefinition(result.definition), []);
  return result;
}

/** What an action step does when invoked: a result, or a thrown TaskFailure. */
export type StepBehaviour = (attempt: number, parameters: JsonObject) => Json | Promise<Json>;

/** How a run ended, with what the handlers saw. */
export interface RunOutcome {
  status: string;
  error?: string;
  cause?: string;
  output?: Json;
  /** Action steps invoked, in order, one entry per attempt. */
  calls: string[];
  /** Virtual milliseconds at each call. */
  times: number[];
  /** Steps whose states were entered, in order, without repeats in a row. */
  entered: string[];
  clock: VirtualClock;
}

/** Runs `document` compiled, with `behaviours` for its action steps (default: `{}`). */
export async function run(
  document: AutomationDocument,
  behaviours: Record<string, StepBehaviour> = {},
  parameters: JsonObject = {},
): Promise<RunOutcome> {
  const clock = new VirtualClock(0);
  const calls: string[] = [];
  const times: number[] = [];
  const attempts = new Map<string, number>();
  const dispatcher: TaskDispatcher = {
    async invoke(invocation) {
      const parameters = invocation.parameters as JsonObject;
      const step = (parameters._step as JsonObject).name as string;
      const data = parameters._data as JsonObject;
      const kind = invocation.resource.split("automation.")[1];
      if (kind === "branch") return branch(parameters, data);
      if (kind === "loopNext") return loopNext(step, parameters, data);
      if (kind === "sleep") return sleep(parameters, data);
      calls.push(step);
      times.push(clock.now());
      const attempt = (attempts.get(step) ?? 0) + 1;
      attempts.set(step, attempt);
      const behaviour = behaviours[step];
      return behaviour ? behaviour(attempt, parameters) : {};
    },
  };
  const result = await runInMemory(
    compileMachine(compiled(document).definition),
    automationInput(parameters, "exec-1"),
    { dispatcher, clock, history: true },
  );
  const entered: string[] = [];
  for (const event of result.history ?? []) {
    if (!event.type.endsWith("StateEntered")) continue;
    const step = stepOfState(String(event.details?.name));
    if (step !== undefined && entered.at(-1) !== step) entered.push(step);
  }
  const outcome: RunOutcome = { status: result.status, calls, times, entered, clock };
  if (result.error !== undefined) outcome.error = result.error;
  if (result.cause !== undefined) outcome.cause = result.cause;
  if (result.output !== undefined) outcome.output = result.output;
  return outcome;
}

/** A behaviour that fails with `error` on every attempt (or the first `times`). */
export function failing(error = "Step.Failed", times = Number.POSITIVE_INFINITY): StepBehaviour {
  return (attempt) => {
    if (attempt <= times) throw new TaskFailure(error, `attempt ${attempt}`);
    return { ok: attempt };
  };
}

/** `{{ Param }}` from the parameters, `{{ Step.Output }}` from the steps' records. */
function resolve(value: Json | undefined, data: JsonObject): Json | undefined {
  if (typeof value !== "string") return value;
  const match = /^\{\{\s*([^{}\s]+)\s*\}\}$/.exec(value);
  if (!match) return value;
  const [step, output] = match[1].split(".");
  const scope = output === undefined ? data.parameters : (data.steps as JsonObject)[step];
  return isJsonObject(scope) ? scope[output ?? step] : undefined;
}

/** StringEquals and NumericGreater only: enough to show the Choice on the answer. */
function holds(condition: JsonObject, data: JsonObject): boolean {
  const value = resolve(condition.Variable, data);
  if (condition.StringEquals !== undefined) return value === condition.StringEquals;
  if (condition.NumericGreater !== undefined)
    return Number(value) > Number(condition.NumericGreater);
  throw new Error(`test evaluator: unsupported condition ${JSON.stringify(condition)}`);
}

function branch(parameters: JsonObject, data: JsonObject): Json {
  const choices = parameters.Choices as JsonObject[];
  const chosen = choices.find((choice) => holds(choice, data));
  return { NextStep: (chosen?.NextStep as string) ?? (parameters.Default as string) ?? null };
}

function loopNext(step: string, parameters: JsonObject, data: JsonObject): Json {
  const previous = (data.steps as JsonObject)[step] as JsonObject;
  const done = typeof previous.CurrentIteration === "number" ? previous.CurrentIteration : 0;
  const max = Number(parameters.MaxIterations ?? 100);
  const iterators = parameters.Iterators as Json[] | undefined;
  const go =
    done < max &&
    (iterators
      ? done < iterators.length
      : done === 0 || holds(parameters.LoopCondition as JsonObject, data));
  const next: JsonObject = { CurrentIteration: go ? done + 1 : done, Continue: go };
  if (iterators && go) next.CurrentIteratorValue = iterators[done];
  return next;
}

function sleep(parameters: JsonObject, data: JsonObject): Json {
  const duration = resolve(parameters.Duration, data);
  if (typeof duration === "string") return { Seconds: durationSeconds(duration) ?? 0 };
  return { Timestamp: resolve(parameters.Timestamp, data) ?? null };
}
