/**
 * Choice rules in JSONPath mode: the definition-time check and the compiler to predicates.
 *
 * `checkChoiceRule` reports what AWS rejects at creation; `compileChoiceRule` turns a checked
 * rule into a `(scope) => boolean` evaluated on the hot path. Operators live in one registry
 * (`OPERATORS`), one family file each.
 */
export { checkChoiceRule, type RuleLevel } from "./check.js";
export { compileChoiceRule, invalidPathError } from "./compile.js";
export { type ComparisonOperator, isComparisonOperator, OPERATORS } from "./operators.js";
export { isTimestamp } from "./timestamp.js";
export type { CompiledChoiceRule, OperatorSpec } from "./types.js";
