/**
 * And, Or, Not over compiled rules. And/Or short-circuit left to right, so a later operand that
 * would fail on a missing path is not evaluated once the answer is known.
 */
import type { CompiledChoiceRule } from "./types.js";

/** True when every rule holds (stops at the first that does not). */
export function and(rules: readonly CompiledChoiceRule[]): CompiledChoiceRule {
  if (rules.length === 1) return rules[0];
  return (scope) => {
    for (let i = 0; i < rules.length; i++) if (!rules[i](scope)) return false;
    return true;
  };
}

/** True when any rule holds (stops at the first that does). */
export function or(rules: readonly CompiledChoiceRule[]): CompiledChoiceRule {
  if (rules.length === 1) return rules[0];
  return (scope) => {
    for (let i = 0; i < rules.length; i++) if (rules[i](scope)) return true;
    return false;
  };
}

/** The negation of a rule. */
export function not(rule: CompiledChoiceRule): CompiledChoiceRule {
  return (scope) => !rule(scope);
}
