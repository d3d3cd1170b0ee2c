/**
 * `prefix`, and `prefix` with `{"equals-ignore-case": ...}`.
 *
 * All prefixes of one field live in a trie (a second one holds case-folded prefixes), so a
 * value is walked once whatever the number of rules. The suffix operator reuses this file's
 * helpers with reversed tries.
 */

import type {
  LeafValue,
  OperatorDefinition,
  OperatorIndex,
  ParseContext,
  PrefixCondition,
  SuffixCondition,
} from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { foldCase } from "../support/case-fold.js";
import { StringTrie } from "../support/string-trie.js";

/** Parses the operand of `prefix` / `suffix` (a string, or `{"equals-ignore-case": s}`). */
export function parseAffix(
  name: "prefix" | "suffix",
  node: PatternNode,
  ctx: ParseContext,
): { value: string; ignoreCase: boolean } {
  if (node.type === "string") return { value: node.value, ignoreCase: false };
  if (node.type === "object" && node.entries.length > 0) {
    if (node.entries.length > 1) ctx.fail("Only one key allowed in match expression");
    const [key, operand] = node.entries[0]!;
    if (key !== "equals-ignore-case") ctx.fail(`Unsupported ${name} pattern: ${key}`);
    if (operand.type !== "string") ctx.fail("equals-ignore-case match pattern must be a string");
    return { value: foldCase(operand.value), ignoreCase: true };
  }
  return ctx.fail(`${name} match pattern must be a string`);
}

/** Compiles the operand of `prefix`. */
export function parsePrefix(node: PatternNode, ctx: ParseContext): PrefixCondition {
  return { kind: "prefix", ...parseAffix("prefix", node, ctx) };
}

/** Index over prefix (or, reversed, suffix) conditions of one field. */
export class AffixIndex<C extends PrefixCondition | SuffixCondition, T>
  implements OperatorIndex<C, T>
{
  private readonly exactCase: StringTrie<T>;
  private readonly folded: StringTrie<T>;

  constructor(reversed: boolean) {
    this.exactCase = new StringTrie(reversed);
    this.folded = new StringTrie(reversed);
  }

  get size(): number {
    return this.exactCase.size + this.folded.size;
  }

  add(condition: C, target: T): void {
    (condition.ignoreCase ? this.folded : this.exactCase).add(condition.value, target);
  }

  remove(condition: C, target: T): void {
    (condition.ignoreCase ? this.folded : this.exactCase).remove(condition.value, target);
  }

  collect(value: LeafValue, out: T[]): void {
    // Only strings have prefixes: {"prefix": "12"} does not match the number 123.
    if (typeof value !== "string") return;
    if (this.exactCase.size > 0) this.exactCase.collect(value, out);
    if (this.folded.size > 0) this.folded.collect(foldCase(value), out);
  }
}

/** Registry entry for prefix matches. */
export const prefixOperator: OperatorDefinition<PrefixCondition> = {
  kind: "prefix",
  key: (c) => `${c.ignoreCase ? "i" : "s"}:${c.value}`,
  createIndex: <T>() => new AffixIndex<PrefixCondition, T>(false),
};
