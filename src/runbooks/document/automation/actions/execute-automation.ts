/** aws:executeAutomation: a child runbook, optionally rate-controlled over targets. */
import { invalid } from "../../checks.js";
import { pointer } from "../../pointer.js";
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, known, required, typed } from "../inputs.js";

export const executeAutomation: AutomationActionDefinition = {
  outputs: { Output: "StringList", ExecutionId: "String", Status: "String" },
  check(inputs, at) {
    known(
      inputs,
      [
        "DocumentName",
        "DocumentVersion",
        "RuntimeParameters",
        "Tags",
        "Targets",
        "TargetParameterName",
        "TargetMaps",
        "MaxConcurrency",
        "MaxErrors",
        "TargetLocations",
      ],
      at,
      "aws:executeAutomation",
    );
    required(inputs, ["DocumentName"], at, "aws:executeAutomation");
    allTyped(
      inputs,
      ["DocumentName", "DocumentVersion", "TargetParameterName", "MaxConcurrency", "MaxErrors"],
      "string",
      at,
    );
    typed(inputs, "RuntimeParameters", "object", at);
    allTyped(inputs, ["Tags", "Targets", "TargetMaps", "TargetLocations"], "list of objects", at);
    if (Array.isArray(inputs.Tags) && inputs.Tags.length > 5)
      invalid(pointer(at, "Tags"), `expected at most 5 tags, got ${inputs.Tags.length}`);
  },
};
