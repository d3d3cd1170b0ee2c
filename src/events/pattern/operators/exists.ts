/**
 * `exists`. `true` matches any leaf value (null included); objects are not leaves, so
 * `{"a": {"b": 1}}` has no value at `a`. `false` is compiled by the machine into an absence
 * step (checked against the array elements the rest of the rule matched), so only `true`
 * ever reaches this index.
 */

import type {
  ExistsCondition,
  LeafValue,
  OperatorDefinition,
  OperatorIndex,
  ParseContext,
} from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { listRemove } from "../support/multimap.js";

/** Compiles the operand of `exists`. */
export function parseExists(node: PatternNode, ctx: ParseContext): ExistsCondition {
  if (node.type !== "boolean") ctx.fail("exists match pattern must be either true or false.");
  return { kind: "exists", value: node.value };
}

class ExistsIndex<T> implements OperatorIndex<ExistsCondition, T> {
  private readonly targets: T[] = [];
  /** The target when there is exactly one (the usual case): one memory read less per match. */
  private only: T | undefined;

  get size(): number {
    return this.targets.length;
  }

  get always(): T | undefined {
    return this.only;
  }

  add(_condition: ExistsCondition, target: T): void {
    this.targets.push(target);
    this.only = this.targets.length === 1 ? target : undefined;
  }

  remove(_condition: ExistsCondition, target: T): void {
    listRemove(this.targets, target);
    this.only = this.targets.length === 1 ? this.targets[0] : undefined;
  }

  collect(_value: LeafValue, out: T[]): void {
    if (this.only !== undefined) out.push(this.only);
    else for (const t of this.targets) out.push(t);
  }
}

/** Registry entry for exists. */
export const existsOperator: OperatorDefinition<ExistsCondition> = {
  kind: "exists",
  key: (c) => String(c.value),
  createIndex: <T>() => new ExistsIndex<T>(),
};
