/**
 * The validator's calls into modules other engineers own (intrinsic functions, Choice
 * rules), kept in one place so their signatures are adapted here and nowhere else.
 */
import { checkChoiceRule } from "../choice/index.js";
import type { Diagnostic } from "../errors.js";
import { checkIntrinsic } from "../intrinsics/index.js";
import { checkJsonataChoiceRule } from "./choice-rule.js";

/** Problems of an intrinsic function call (empty when it is acceptable). */
export function checkIntrinsicCall(text: string): string[] {
  return checkIntrinsic(text);
}

/** Diagnostics of one element of `Choices` at `location`. */
export function checkChoiceRuleHook(
  rule: unknown,
  location: string,
  jsonata: boolean,
): Diagnostic[] {
  // The choice module checks JSONPath-mode rules; JSONata rules are a Condition plus Next.
  return jsonata ? checkJsonataChoiceRule(rule, location) : checkChoiceRule(rule, location, "top");
}
