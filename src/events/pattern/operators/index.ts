/**
 * The operator table: the one place that lists every operator.
 *
 * `OPERATORS` is keyed by condition kind and typed so that adding a kind to `Condition`
 * without registering it here is a compile error. `KEYWORDS` maps the JSON key of a match
 * expression (`{"prefix": ...}`) to the parser of its operand.
 */

import type { Condition, ConditionKind, OperatorDefinition, ParseContext } from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { anythingButOperator, parseAnythingBut } from "./anything-but.js";
import { cidrOperator, parseCidr } from "./cidr.js";
import { equalsIgnoreCaseOperator, parseEqualsIgnoreCase } from "./equals-ignore-case.js";
import { exactOperator, parseExactly, parseLiteral } from "./exact.js";
import { existsOperator, parseExists } from "./exists.js";
import { numericOperator, parseNumeric } from "./numeric.js";
import { parsePrefix, prefixOperator } from "./prefix.js";
import { parseSuffix, suffixOperator } from "./suffix.js";
import { parseWildcard, wildcardOperator } from "./wildcard.js";

/** Every operator, by the kind of condition it compiles to. */
export const OPERATORS: {
  readonly [K in ConditionKind]: OperatorDefinition<Extract<Condition, { kind: K }>>;
} = {
  exact: exactOperator,
  prefix: prefixOperator,
  suffix: suffixOperator,
  "equals-ignore-case": equalsIgnoreCaseOperator,
  wildcard: wildcardOperator,
  "anything-but": anythingButOperator,
  numeric: numericOperator,
  cidr: cidrOperator,
  exists: existsOperator,
};

type OperandParser = (node: PatternNode, ctx: ParseContext) => Condition;

/** Match-expression keywords (case-sensitive: `EXISTS` is not `exists`). */
export const KEYWORDS: ReadonlyMap<string, OperandParser> = new Map<string, OperandParser>([
  ["exactly", parseExactly],
  ["prefix", parsePrefix],
  ["suffix", parseSuffix],
  ["equals-ignore-case", parseEqualsIgnoreCase],
  ["wildcard", parseWildcard],
  ["anything-but", parseAnythingBut],
  ["numeric", parseNumeric],
  ["cidr", parseCidr],
  ["exists", parseExists],
]);

/** Compiles one element of a field's value list. */
export function parseMatchExpression(node: PatternNode, ctx: ParseContext): Condition {
  if (node.type !== "object") return parseLiteral(node, ctx);
  if (node.entries.length === 0) return ctx.fail("Empty objects are not allowed");
  if (node.entries.length > 1) return ctx.fail("Only one key allowed in match expression");
  const [keyword, operand] = node.entries[0]!;
  const parse = KEYWORDS.get(keyword);
  if (!parse) return ctx.fail(`Unrecognized match type ${keyword}`);
  return parse(operand, ctx.child(keyword));
}

/** Canonical text of a condition (equal text means an equal condition). */
export function conditionKey(condition: Condition): string {
  const def = OPERATORS[condition.kind] as OperatorDefinition<Condition>;
  return `${condition.kind}|${def.key(condition)}`;
}
