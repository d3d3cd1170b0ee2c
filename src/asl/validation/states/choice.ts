/** Choice: picks the first rule that matches, else `Default`. */
import type { StateValidator } from "../context.js";
import { checkJsonataTemplate, checkPayloadTemplate } from "../expressions.js";
import { checkKind, checkRequired, isKind } from "../fields.js";
import { checkChoiceRuleHook } from "../hooks.js";
import { pointer } from "../pointer.js";

export const choiceValidator: StateValidator = {
  fields: ["Choices", "Default", "InputPath", "OutputPath", "Output", "Assign"],
  transitions: false,
  validate({ ctx, state, location, language }) {
    checkKind(ctx, state.Default, "STRING", pointer(location, "Default"));
    if (!checkRequired(ctx, state, ["Choices"], location)) return;
    const at = pointer(location, "Choices");
    if (!checkKind(ctx, state.Choices, "ARRAY", at)) return;
    const rules = state.Choices as unknown[];
    if (rules.length === 0) ctx.schema(at, "The field 'Choices' must contain at least one rule");
    const jsonata = language === "JSONata";
    rules.forEach((rule, i) => {
      const ruleAt = pointer(at, i);
      ctx.diagnostics.push(...checkChoiceRuleHook(rule, ruleAt, jsonata));
      if (!isKind(rule, "OBJECT")) return;
      const { Assign, Output } = rule as { Assign?: unknown; Output?: unknown };
      if (jsonata) {
        checkJsonataTemplate(ctx, Assign, pointer(ruleAt, "Assign"));
        checkJsonataTemplate(ctx, Output, pointer(ruleAt, "Output"));
      } else checkPayloadTemplate(ctx, Assign, pointer(ruleAt, "Assign"));
    });
  },
};
