/**
 * Every `{{ }}` reference of a runbook must name something: a declared parameter, an output
 * of a step (its action's or its own `outputs`), or a known variable. Parameter defaults may
 * name other parameters and variables (as AWS's own runbooks do) and Parameter Store Strings.
 */
import { invalid } from "../checks.js";
import { pointer } from "../pointer.js";
import type { AutomationStep, JsonValue, ParameterDefinition } from "../types.js";
import { AUTOMATION_ACTIONS } from "./actions/table.js";
import {
  AUTOMATION_VARIABLES,
  type AutomationReference,
  GLOBAL_VARIABLES,
  listReferences,
} from "./variables.js";

/** What references may name in one document. */
export interface ReferenceScope {
  parameters: Readonly<Record<string, ParameterDefinition>>;
  /** Output names by step name (every step of the document, loop bodies included). */
  outputs: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The outputs each step has, by step name. */
export function stepOutputs(steps: readonly AutomationStep[]): Map<string, Set<string>> {
  const outputs = new Map<string, Set<string>>();
  const visit = (list: readonly AutomationStep[]) => {
    for (const step of list) {
      const names = new Set(Object.keys(AUTOMATION_ACTIONS[step.action].outputs));
      for (const output of step.outputs ?? []) names.add(output.Name);
      outputs.set(step.name, names);
      if (step.steps) visit(step.steps);
    }
  };
  visit(steps);
  return outputs;
}

/** Refuses a reference in step inputs that names nothing. */
export function checkStepReferences(
  steps: readonly AutomationStep[],
  at: string,
  scope: ReferenceScope,
): void {
  steps.forEach((step, index) => {
    const here = pointer(at, index, "inputs");
    const verbatim = AUTOMATION_ACTIONS[step.action].verbatimInputs ?? [];
    for (const [key, value] of Object.entries(step.inputs)) {
      if (verbatim.includes(key) || (step.action === "aws:loop" && key === "Steps")) continue;
      visitStrings(value, pointer(here, key), (text, textAt) =>
        checkText(text, textAt, scope, "step"),
      );
    }
    if (step.steps) checkStepReferences(step.steps, pointer(at, index, "inputs", "Steps"), scope);
  });
}

/** Refuses a reference in a text that names nothing; `place` says what may be named there. */
export function checkText(
  text: string,
  at: string,
  scope: ReferenceScope,
  place: "step" | "default" | "assumeRole",
): void {
  for (const reference of listReferences(text)) {
    const problem = problemOf(reference, scope, place);
    if (problem) invalid(at, `expected ${reference.text} to name ${problem}`);
  }
}

function problemOf(
  reference: AutomationReference,
  scope: ReferenceScope,
  place: string,
): string | undefined {
  const parameter = Object.hasOwn(scope.parameters, reference.name);
  switch (reference.kind) {
    case "parameter":
      return parameter ? undefined : `a declared parameter; "${reference.name}" is not one`;
    case "output": {
      if (parameter) return undefined;
      if (place !== "step")
        return `a declared parameter or a variable; "${reference.name}" is neither`;
      const outputs = scope.outputs.get(reference.step);
      if (!outputs)
        return `a declared parameter or Step.Output; there is no step "${reference.step}"`;
      return outputs.has(reference.output)
        ? undefined
        : `an output of step ${reference.step} (${[...outputs].join(", ") || "it has none"}); "${reference.output}" is not one`;
    }
    case "global":
      return (GLOBAL_VARIABLES as readonly string[]).includes(reference.name)
        ? undefined
        : `a global variable (${GLOBAL_VARIABLES.join(", ")}); "${reference.name}" is not one`;
    case "automation":
      return (AUTOMATION_VARIABLES as readonly string[]).includes(reference.name)
        ? undefined
        : `an automation variable (${AUTOMATION_VARIABLES.join(", ")}); "${reference.name}" is not one`;
    case "ssm":
      if (place === "default" && !reference.secure) return undefined;
      return place === "default"
        ? "a String or StringList Parameter Store parameter (SecureStrings cannot be referenced in defaults)"
        : "something other than Parameter Store (ssm: references are allowed only in parameter defaults)";
    case "unknown":
      return "a parameter, a Step.Output or a variable (global:, automation:)";
  }
}

/** Calls `visit` with every string inside `value` and its pointer. */
function visitStrings(
  value: JsonValue,
  at: string,
  visit: (text: string, at: string) => void,
): void {
  if (typeof value === "string") visit(value, at);
  else if (Array.isArray(value))
    value.forEach((item, index) => {
      visitStrings(item, pointer(at, index), visit);
    });
  else if (typeof value === "object" && value !== null)
    for (const [key, item] of Object.entries(value)) visitStrings(item, pointer(at, key), visit);
}
