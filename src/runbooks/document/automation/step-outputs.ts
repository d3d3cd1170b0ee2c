/** A step's user-defined outputs: `[{Name, Selector, Type}]`, the selector a JSONPath. */
import { invalid, objectAt, onlyKeys, shown, stringAt } from "../checks.js";
import { PARAMETER_TYPES } from "../parameter-definitions.js";
import { pointer } from "../pointer.js";
import type { AutomationOutputType, AutomationStepOutput, JsonValue } from "../types.js";

/** The validated outputs list of a step. */
export function parseStepOutputs(value: JsonValue, at: string): AutomationStepOutput[] {
  if (!Array.isArray(value))
    invalid(at, `expected outputs, a list of {Name, Selector, Type}, got ${shown(value)}`);
  const names = new Set<string>();
  return value.map((raw, index) => {
    const here = pointer(at, index);
    const fields = objectAt(raw, here, "an output {Name, Selector, Type}");
    onlyKeys(fields, ["Name", "Selector", "Type"], here);
    const name = stringAt(fields.Name, pointer(here, "Name"), "an output name");
    if (!/^[A-Za-z0-9_.-]+$/.test(name))
      invalid(
        pointer(here, "Name"),
        `expected an output name of letters, digits, _ . -, got ${shown(name)}`,
      );
    if (names.has(name))
      invalid(
        pointer(here, "Name"),
        `expected an output name unique in the step; "${name}" is used twice`,
      );
    names.add(name);
    const selector = stringAt(fields.Selector, pointer(here, "Selector"), "a JSONPath selector");
    if (!selector.startsWith("$"))
      invalid(
        pointer(here, "Selector"),
        `expected a JSONPath starting with $, got ${shown(selector)}`,
      );
    const type = fields.Type;
    if (!PARAMETER_TYPES.includes(type as AutomationOutputType))
      invalid(
        pointer(here, "Type"),
        `expected an output type, one of ${PARAMETER_TYPES.join(", ")}, got ${shown(type)}`,
      );
    return { Name: name, Selector: selector, Type: type as AutomationOutputType };
  });
}
