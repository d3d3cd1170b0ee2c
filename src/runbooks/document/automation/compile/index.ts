/**
 * Automation runbooks (schemaVersion 0.3) compiled to Amazon States Language, so they run on
 * the workflow runtime and get its durability, timers, retries and leases. Pure: no clock, no
 * I/O. Each step becomes states named after it (see `names.ts`), so the execution's history
 * gives each step's status; actions become Tasks of `opsflow:automation.*` resources the
 * runtime dispatches; control flow becomes Choice, Wait, Pass and Fail states.
 *
 * The machine's input is {@link automationInput}; each step's result (its outputs) is kept at
 * `$.steps.<name>`, a failure at `$.steps.<name>.failure`, a critical failure the flow went on
 * after at `$.criticalFailed`.
 */
import type { StateDefinition } from "../../../../asl/definition.js";
import type { JsonObject as AslObject } from "../../../../asl/json.js";
import { pointer } from "../../pointer.js";
import type { AutomationDocument, AutomationStep, JsonObject } from "../../types.js";
import { stepCompiler } from "./constructs.js";
import { endState, endStates } from "./end.js";
import { continuesCritically, isCritical } from "./failure.js";
import { reachableStates } from "./reachable.js";
import type { CompiledRunbook, CompiledStep, StateSink, StepScope } from "./types.js";

export {
  CRITICAL_FAILED_PATH,
  END_CHECK_STATE,
  FAILED_STATE,
  STEP_FAILED_ERROR,
  SUCCEEDED_STATE,
  stepOfState,
} from "./names.js";
export {
  actionResource,
  BRANCH_RESOURCE,
  LOOP_NEXT_RESOURCE,
  SLEEP_RESOURCE,
  waitingResource,
} from "./resources.js";
export type { CompiledRunbook, CompiledStep } from "./types.js";

/**
 * The state machine that runs `document`, and where each step's states are.
 * @throws DocumentError when a step cannot be expressed in ASL (a name too long for its
 *   states, an input key ending in `.$`), located like the validator's refusals
 */
export function compileRunbook(document: AutomationDocument): CompiledRunbook {
  const checked = anyScope(document, continuesCritically);
  const states: Record<string, StateDefinition> = {};
  // Names cannot clash: step names are unique and roles follow a dot no step name has.
  const sink: StateSink = {
    add(name, state) {
      states[name] = state;
    },
  };
  const compiled: CompiledStep[] = [];

  const compileList = (scope: StepScope) => {
    scope.steps.forEach((step, index) => {
      const entry: CompiledStep = {
        name: step.name,
        action: step.action,
        stateName: step.name,
        states: [],
        isCritical: isCritical(step, scope),
      };
      if (scope.loop) entry.loop = scope.loop.name;
      compiled.push(entry);
      stepCompiler(step.action)({
        scope,
        index,
        sink,
        states: entry.states,
        body(loop, at, end) {
          compileList(listScope(loop.steps ?? [], at, end, loop));
        },
      });
    });
  };
  compileList(listScope(document.mainSteps, "/mainSteps", endState(checked)));
  Object.assign(states, endStates(checked));

  const startAt = document.mainSteps[0].name;
  const reached = reachableStates(startAt, states);
  for (const step of compiled) step.states = step.states.filter((name) => name in reached);
  const definition = {
    Comment: document.description ?? "Automation runbook",
    StartAt: startAt,
    States: reached,
  };
  return { definition, steps: compiled };
}

/**
 * The compiled machine's input: the parameters as bound, the execution's id (for
 * `{{ automation:EXECUTION_ID }}`), and no step results yet.
 */
export function automationInput(parameters: JsonObject, executionId: string): AslObject {
  return { parameters, automation: { executionId }, steps: {} };
}

function listScope(
  steps: readonly AutomationStep[],
  at: string,
  end: string,
  loop?: AutomationStep,
): StepScope {
  const scope: StepScope = { steps, pointers: steps.map((_, index) => pointer(at, index)), end };
  if (loop) scope.loop = loop;
  return scope;
}

/** True when `test` holds for some step, loop bodies included (with their own scope). */
function anyScope(
  document: AutomationDocument,
  test: (step: AutomationStep, scope: StepScope) => boolean,
): boolean {
  const visit = (steps: readonly AutomationStep[], loop?: AutomationStep): boolean => {
    const scope = listScope(steps, "", "", loop);
    return steps.some((step) => test(step, scope) || visit(step.steps ?? [], step));
  };
  return visit(document.mainSteps);
}
