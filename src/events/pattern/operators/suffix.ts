/**
 * `suffix`, and `suffix` with `{"equals-ignore-case": ...}`: the prefix index built over
 * reversed strings, so matching walks the value from its end.
 */

import type { OperatorDefinition, ParseContext, SuffixCondition } from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { AffixIndex, parseAffix } from "./prefix.js";

/** Compiles the operand of `suffix`. */
export function parseSuffix(node: PatternNode, ctx: ParseContext): SuffixCondition {
  return { kind: "suffix", ...parseAffix("suffix", node, ctx) };
}

/** Registry entry for suffix matches. */
export const suffixOperator: OperatorDefinition<SuffixCondition> = {
  kind: "suffix",
  key: (c) => `${c.ignoreCase ? "i" : "s"}:${c.value}`,
  createIndex: <T>() => new AffixIndex<SuffixCondition, T>(true),
};
