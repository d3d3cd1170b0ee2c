/**
 * `equals-ignore-case`: both sides are case-folded (see `support/case-fold.ts`), so one
 * hash lookup serves any number of rules.
 */

import type {
  EqualsIgnoreCaseCondition,
  LeafValue,
  OperatorDefinition,
  OperatorIndex,
  ParseContext,
} from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { foldCase } from "../support/case-fold.js";
import { multiAdd, multiRemove } from "../support/multimap.js";

/** Compiles the operand of `equals-ignore-case`. */
export function parseEqualsIgnoreCase(
  node: PatternNode,
  ctx: ParseContext,
): EqualsIgnoreCaseCondition {
  if (node.type !== "string") ctx.fail("equals-ignore-case match pattern must be a string");
  return { kind: "equals-ignore-case", folded: foldCase(node.value) };
}

class EqualsIgnoreCaseIndex<T> implements OperatorIndex<EqualsIgnoreCaseCondition, T> {
  private readonly byFolded = new Map<string, T[]>();
  size = 0;

  add(condition: EqualsIgnoreCaseCondition, target: T): void {
    multiAdd(this.byFolded, condition.folded, target);
    this.size++;
  }

  remove(condition: EqualsIgnoreCaseCondition, target: T): void {
    multiRemove(this.byFolded, condition.folded, target);
    this.size--;
  }

  collect(value: LeafValue, out: T[]): void {
    if (typeof value !== "string") return;
    const hit = this.byFolded.get(foldCase(value));
    if (hit) for (const t of hit) out.push(t);
  }
}

/** Registry entry for equals-ignore-case. */
export const equalsIgnoreCaseOperator: OperatorDefinition<EqualsIgnoreCaseCondition> = {
  kind: "equals-ignore-case",
  key: (c) => c.folded,
  createIndex: <T>() => new EqualsIgnoreCaseIndex<T>(),
};
