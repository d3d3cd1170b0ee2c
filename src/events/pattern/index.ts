/**
 * EventBridge event patterns: validation, compilation and matching (events/ layer).
 *
 * - {@link compilePattern} / {@link validatePattern}: check a pattern as PutRule does.
 * - {@link PatternMatcher}: all rules of a bus in one machine; `matchesFor(event)`.
 * - {@link testEventPattern}: one pattern against one event (TestEventPattern).
 */

export type { CompiledPattern, Step, SubRule } from "./compile.js";
export {
  compilePattern,
  isCompiledPattern,
  MAX_OR_COMBINATIONS,
  validatePattern,
} from "./compile.js";
export type { Condition, ConditionKind, LeafValue } from "./condition.js";
export { InvalidEventError, InvalidEventPatternError } from "./errors.js";
export { PatternMatcher } from "./machine.js";
export { testEventPattern } from "./test-pattern.js";
