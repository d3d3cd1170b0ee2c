/**
 * Compiling a checked Choice rule into a closure tree. All parsing — paths, patterns, literal
 * timestamps — happens here, once; the returned function only reads and compares.
 */
import type { ChoiceRule } from "../definition.js";
import { DefinitionError, StatesError, StatesErrorName } from "../errors.js";
import type { Json } from "../json.js";
import { checkChoiceRule } from "./check.js";
import { and, not, or } from "./composition.js";
import { compileOperand, type OperandReader } from "./operand.js";
import { type ComparisonOperator, isComparisonOperator, OPERATORS } from "./operators.js";
import type { CompiledChoiceRule } from "./types.js";

/** The States.Runtime failure AWS raises when a Variable or `...Path` selects nothing. */
export function invalidPathError(path: string): StatesError {
  return new StatesError(
    StatesErrorName.Runtime,
    `Invalid path '${path}': The choice state's condition path references an invalid value.`,
  );
}

/** Reads a path and fails the state when it selects nothing. */
function required(
  text: string,
  read: OperandReader,
): (scope: Parameters<OperandReader>[0]) => Json {
  return (scope) => {
    const value = read(scope);
    if (value === undefined) throw invalidPathError(text);
    return value;
  };
}

function compileComparison(rule: ChoiceRule, name: ComparisonOperator): CompiledChoiceRule {
  const spec = OPERATORS[name];
  const variable = rule.Variable as string;
  const read = compileOperand(variable);
  if (spec.kind === "path") {
    const otherText = rule[name] as string;
    const readValue = required(variable, read);
    const readOther = required(otherText, compileOperand(otherText));
    const test = spec.test;
    return (scope) => {
      const value = readValue(scope);
      return test(value, readOther(scope));
    };
  }
  const test = spec.compile(rule[name] as Json);
  if (spec.acceptsMissing) return (scope) => test(read(scope));
  const readValue = required(variable, read);
  return (scope) => test(readValue(scope));
}

function compileChecked(rule: ChoiceRule): CompiledChoiceRule {
  if (rule.And !== undefined) return and(rule.And.map(compileChecked));
  if (rule.Or !== undefined) return or(rule.Or.map(compileChecked));
  if (rule.Not !== undefined) return not(compileChecked(rule.Not));
  for (const key of Object.keys(rule)) {
    if (isComparisonOperator(key) && rule[key] !== undefined) return compileComparison(rule, key);
  }
  // Unreachable after checkChoiceRule; kept total so a bad caller gets a clear failure.
  throw new DefinitionError([
    { code: "SCHEMA_VALIDATION_FAILED", location: "", message: "no condition", severity: "ERROR" },
  ]);
}

/**
 * Compiles a JSONPath-mode Choice rule (a comparison or And/Or/Not, with or without its top-level
 * Next/Assign) into a predicate over a scope. Evaluating it allocates nothing and throws only
 * StatesError (States.Runtime when a Variable or `...Path` selects nothing, except IsPresent).
 *
 * @param location JSON Pointer of the rule, used in diagnostics.
 * @throws DefinitionError when the rule does not pass `checkChoiceRule` (validators should call
 *   that first and report its diagnostics).
 */
export function compileChoiceRule(rule: ChoiceRule, location: string): CompiledChoiceRule {
  const diagnostics = checkChoiceRule(rule, location, "condition");
  if (diagnostics.length > 0) throw new DefinitionError(diagnostics);
  return compileChecked(rule);
}
