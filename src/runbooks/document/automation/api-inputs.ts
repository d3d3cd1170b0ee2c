/**
 * The inputs the AWS API actions share: Service and Api with the operation's request fields
 * beside them (passed through), and for the property wait and assert actions a selector and
 * the values wanted.
 */
import { invalid, shown } from "../checks.js";
import { pointer } from "../pointer.js";
import type { JsonObject } from "../types.js";
import { allTyped, deferred, required, typed } from "./inputs.js";

/** Checks Service and Api (the rest is the operation's request). */
export function checkApiCall(inputs: JsonObject, at: string, action: string): void {
  required(inputs, ["Service", "Api"], at, action);
  allTyped(inputs, ["Service", "Api"], "string", at);
}

/** Checks an API call plus PropertySelector (a JSONPath) and DesiredValues (a non-empty list). */
export function checkPropertyInputs(inputs: JsonObject, at: string, action: string): void {
  checkApiCall(inputs, at, action);
  required(inputs, ["PropertySelector", "DesiredValues"], at, action);
  typed(inputs, "PropertySelector", "string", at);
  const selector = inputs.PropertySelector;
  if (typeof selector === "string" && !deferred(selector) && !selector.startsWith("$"))
    invalid(
      pointer(at, "PropertySelector"),
      `expected a JSONPath starting with $, got ${shown(selector)}`,
    );
  const desired = inputs.DesiredValues;
  if (!deferred(desired) && !(Array.isArray(desired) && desired.length > 0))
    invalid(
      pointer(at, "DesiredValues"),
      `expected DesiredValues, a non-empty list, got ${shown(desired)}`,
    );
}
