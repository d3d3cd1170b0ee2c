/** aws:loop: runs its Steps for each of Iterators, or while LoopCondition holds. */
import { invalid } from "../../checks.js";
import { pointer } from "../../pointer.js";
import type { AutomationActionDefinition } from "../action.js";
import { checkCondition } from "../conditions.js";
import { inRange, known, oneOf, required, typed } from "../inputs.js";

/** The most iterations a loop may run (AWS's limit). */
export const MAX_ITERATIONS = 100;

export const loop: AutomationActionDefinition = {
  outputs: { CurrentIteration: "Integer", CurrentIteratorValue: "String" },
  check(inputs, at, context) {
    known(
      inputs,
      ["Iterators", "IteratorDataType", "LoopCondition", "MaxIterations", "Steps"],
      at,
      "aws:loop",
    );
    required(inputs, ["Steps"], at, "aws:loop");
    const forEach = inputs.Iterators !== undefined;
    const doWhile = inputs.LoopCondition !== undefined;
    if (forEach === doWhile)
      invalid(
        forEach ? pointer(at, "LoopCondition") : at,
        forEach
          ? "expected Iterators or LoopCondition, not both"
          : "expected Iterators (for each) or LoopCondition (do while)",
      );
    typed(inputs, "Iterators", "string list", at);
    if (Array.isArray(inputs.Iterators) && inputs.Iterators.length > MAX_ITERATIONS)
      invalid(
        pointer(at, "Iterators"),
        `expected at most ${MAX_ITERATIONS} iterators, got ${inputs.Iterators.length}`,
      );
    oneOf(inputs, "IteratorDataType", ["String", "Integer", "Boolean", "StringMap"], at);
    if (doWhile) checkCondition(inputs.LoopCondition, pointer(at, "LoopCondition"));
    inRange(inputs, "MaxIterations", 1, MAX_ITERATIONS, at);
    context.body(inputs.Steps, pointer(at, "Steps"));
  },
};
