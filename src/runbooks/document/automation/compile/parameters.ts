/**
 * The Parameters of a step's Task: its inputs as written (`{{ }}` left as text), `_step`
 * (what the runner needs to know of the step: name, action, declared outputs) and `_data`,
 * the execution's whole data (`parameters`, `automation`, `steps`), from which the runner
 * resolves the references when the step runs.
 */
import type { JsonObject as AslObject } from "../../../../asl/json.js";
import { DocumentError } from "../../errors.js";
import { pointer } from "../../pointer.js";
import type { AutomationStep, JsonObject, JsonValue } from "../../types.js";

/** The Task Parameters for `step`, with `inputs` (the step's, or the part the Task reads). */
export function taskParameters(
  step: AutomationStep,
  inputs: JsonObject,
  at: string,
  extra: JsonObject = {},
): AslObject {
  refuseTemplateKeys(inputs, pointer(at, "inputs"));
  return {
    ...inputs,
    _step: {
      name: step.name,
      action: step.action,
      outputs: (step.outputs ?? []).map((output) => ({ ...output })),
      ...extra,
    },
    "_data.$": "$",
  };
}

/**
 * ASL reads a Parameters key ending in `.$` as a path and has no escape for it, so an input
 * written with one cannot travel as text: refused, located.
 */
function refuseTemplateKeys(value: JsonValue, at: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      refuseTemplateKeys(item, pointer(at, index));
    });
    return;
  }
  if (typeof value !== "object" || value === null) return;
  for (const [key, item] of Object.entries(value)) {
    if (key.endsWith(".$"))
      throw new DocumentError(
        "InvalidDocumentContent",
        pointer(at, key),
        `an input key that does not end with ".$" (the workflow runtime reads such keys as paths), got "${key}"`,
      );
    refuseTemplateKeys(item, pointer(at, key));
  }
}
