/**
 * aws:branch: a Task (`automation.branch`) evaluates the choices with every operator
 * Automation has (one evaluator, since ASL lacks EqualsIgnoreCase, Contains and EndsWith) and
 * returns `{NextStep}`; a Choice (`<name>.choose`) then jumps to that step. No match and no
 * Default: the step's successor, as in AWS (the next step in the list).
 */
import type { ChoiceRule, TaskState } from "../../../../asl/definition.js";
import type { JsonValue } from "../../types.js";
import { failureCatch } from "./failure.js";
import { successorOf } from "./flow.js";
import { stateName, stepPath } from "./names.js";
import { taskParameters } from "./parameters.js";
import { BRANCH_RESOURCE } from "./resources.js";
import type { StepCompilation } from "./types.js";

/** Compiles an aws:branch step into its evaluating Task and the Choice on its answer. */
export function compileBranch({ scope, index, sink, states }: StepCompilation): void {
  const step = scope.steps[index];
  const at = scope.pointers[index];
  const choose = stateName(step.name, at, "choose");
  states.push(step.name, choose);
  const targets = choiceTargets(step.inputs.Choices);
  const fallback =
    typeof step.inputs.Default === "string" ? step.inputs.Default : successorOf(scope, index);
  const task: TaskState = {
    Type: "Task",
    Resource: BRANCH_RESOURCE,
    Parameters: taskParameters(step, step.inputs, at),
    ResultPath: stepPath(step.name),
    Next: choose,
  };
  sink.add(step.name, task);
  const rules: ChoiceRule[] = targets.map((target) => ({
    Variable: stepPath(step.name, "NextStep"),
    StringEquals: target,
    Next: target,
  }));
  sink.add(choose, {
    Type: "Choice",
    Choices: rules,
    Default: fallback,
  });
  task.Catch = failureCatch(scope, index, sink, states);
}

/** The distinct NextStep names of the choices, in order. */
function choiceTargets(choices: JsonValue | undefined): string[] {
  if (!Array.isArray(choices)) return [];
  const names = choices.flatMap((choice) =>
    typeof choice === "object" &&
    choice !== null &&
    !Array.isArray(choice) &&
    typeof choice.NextStep === "string"
      ? [choice.NextStep]
      : [],
  );
  return [...new Set(names)];
}
