/**
 * The steps of an Automation runbook: each step's fields and inputs, names unique across the
 * document (loop bodies included), and every step a field names found in the same list.
 */
import { invalid, objectAt, onlyKeys, shown, stringAt } from "../checks.js";
import { pointer } from "../pointer.js";
import type { AutomationStep, JsonObject, JsonValue } from "../types.js";
import { AUTOMATION_ACTIONS, isAutomationAction } from "./actions/table.js";
import { parseStepOutputs } from "./step-outputs.js";
import { checkTargets } from "./targets.js";

/** Step names as Automation allows them. */
export const AUTOMATION_STEP_NAME = /^[a-zA-Z0-9_]+$/;

const STEP_KEYS = [
  "name",
  "action",
  "inputs",
  "description",
  "maxAttempts",
  "timeoutSeconds",
  "onFailure",
  "onCancel",
  "isCritical",
  "isEnd",
  "nextStep",
  "outputs",
];

/**
 * A list of steps (mainSteps or a loop body), validated.
 * @param names the step names already taken in the document; this list's are added
 */
export function parseSteps(
  value: JsonValue | undefined,
  at: string,
  names: Set<string>,
): AutomationStep[] {
  if (!Array.isArray(value) || value.length === 0)
    invalid(at, `expected a non-empty list of steps, got ${shown(value)}`);
  const steps = value.map((raw, index) => parseStep(raw, pointer(at, index), names));
  checkTargets(steps, at);
  return steps;
}

function parseStep(raw: JsonValue, at: string, names: Set<string>): AutomationStep {
  const fields = objectAt(raw, at, "a step");
  const name = stringAt(fields.name, pointer(at, "name"), "a step name");
  if (!AUTOMATION_STEP_NAME.test(name))
    invalid(
      pointer(at, "name"),
      `expected a step name of letters, digits and _, got ${shown(name)}`,
    );
  if (names.has(name))
    invalid(
      pointer(at, "name"),
      `expected a step name unique in the document; "${name}" is used twice`,
    );
  names.add(name);
  const action = stringAt(fields.action, pointer(at, "action"), "an action");
  if (!isAutomationAction(action))
    invalid(
      pointer(at, "action"),
      `step ${name}: action ${action} is not supported by opsflow; expected one of ${Object.keys(AUTOMATION_ACTIONS).join(", ")}`,
    );
  onlyKeys(fields, STEP_KEYS, at);
  const definition = AUTOMATION_ACTIONS[action];
  const inputs = objectAt(
    fields.inputs ?? (action === "aws:pause" ? {} : undefined),
    pointer(at, "inputs"),
    `the inputs of ${action}`,
  );
  const step: AutomationStep = { name, action, inputs };
  definition.check(inputs, pointer(at, "inputs"), {
    body(body, bodyAt) {
      step.steps = parseSteps(body, bodyAt, names);
    },
  });
  readFields(step, fields, at);
  return step;
}

function readFields(step: AutomationStep, fields: JsonObject, at: string): void {
  const definition = AUTOMATION_ACTIONS[step.action];
  if (fields.description !== undefined)
    step.description = stringAt(fields.description, pointer(at, "description"), "a description");
  if (fields.maxAttempts !== undefined)
    step.maxAttempts = whole(
      fields.maxAttempts,
      pointer(at, "maxAttempts"),
      1,
      Number.MAX_SAFE_INTEGER,
    );
  if (fields.timeoutSeconds !== undefined)
    step.timeoutSeconds = whole(
      fields.timeoutSeconds,
      pointer(at, "timeoutSeconds"),
      1,
      definition.maxTimeoutSeconds ?? Number.MAX_SAFE_INTEGER,
      step.action,
    );
  if (fields.onFailure !== undefined) {
    const onFailure = stringAt(
      fields.onFailure,
      pointer(at, "onFailure"),
      "Abort, Continue or step:NAME",
    );
    if (onFailure !== "Abort" && onFailure !== "Continue" && !onFailure.startsWith("step:"))
      invalid(
        pointer(at, "onFailure"),
        `expected Abort, Continue or step:NAME, got ${shown(onFailure)}`,
      );
    step.onFailure = onFailure;
  }
  if (fields.onCancel !== undefined) {
    if (step.action === "aws:loop")
      invalid(
        pointer(at, "onCancel"),
        "expected no onCancel on aws:loop (only its body steps may have one)",
      );
    const onCancel = stringAt(fields.onCancel, pointer(at, "onCancel"), "Abort or step:NAME");
    if (onCancel !== "Abort" && !onCancel.startsWith("step:"))
      invalid(pointer(at, "onCancel"), `expected Abort or step:NAME, got ${shown(onCancel)}`);
    step.onCancel = onCancel;
  }
  for (const key of ["isCritical", "isEnd"] as const)
    if (fields[key] !== undefined) step[key] = flag(fields[key], pointer(at, key));
  if (fields.nextStep !== undefined)
    step.nextStep = stringAt(fields.nextStep, pointer(at, "nextStep"), "the name of a step");
  if (fields.outputs !== undefined)
    step.outputs = parseStepOutputs(fields.outputs, pointer(at, "outputs"));
}

function whole(value: JsonValue, at: string, min: number, max: number, action?: string): number {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number < min)
    invalid(at, `expected a whole number of at least ${min}, got ${shown(value)}`);
  if (number > max)
    invalid(at, `expected at most ${max} (the maximum for ${action}), got ${shown(value)}`);
  return number;
}

function flag(value: JsonValue, at: string): boolean {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  return invalid(at, `expected true or false, got ${shown(value)}`);
}
