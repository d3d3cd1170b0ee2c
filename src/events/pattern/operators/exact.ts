/**
 * Exact match: `"running"`, `300`, `true`, `null` in a value list, and event-ruler's
 * `{"exactly": "..."}` spelling.
 *
 * Numbers compare by value (`[300]` matches `300.0` and `3e2`, as AWS does), which a `Map`
 * keyed by the JS number gives for free; strings never equal numbers (`"300"` is not `300`).
 * String operands that are IP addresses also match other spellings of the same address,
 * because event-ruler compiles them to one-address ranges.
 */

import type {
  ExactCondition,
  LeafValue,
  OperatorDefinition,
  OperatorIndex,
  ParseContext,
} from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { canonicalIp, parseIp } from "../support/ip.js";
import { multiAdd, multiRemove } from "../support/multimap.js";
import { numberOperand } from "./numeric.js";

/** Compiles a literal element of a value list. */
export function parseLiteral(node: PatternNode, ctx: ParseContext): ExactCondition {
  switch (node.type) {
    case "string":
    case "boolean":
      return { kind: "exact", value: node.value };
    case "null":
      return { kind: "exact", value: null };
    case "number":
      return { kind: "exact", value: numberOperand(node, ctx, "exact match") };
    default:
      return ctx.fail("Match value must be String, number, true, false, or null");
  }
}

/** `{"exactly": "..."}`. */
export function parseExactly(node: PatternNode, ctx: ParseContext): ExactCondition {
  if (node.type !== "string") ctx.fail("exact match pattern must be a string");
  return { kind: "exact", value: node.value };
}

class ExactIndex<T> implements OperatorIndex<ExactCondition, T> {
  private readonly byValue = new Map<LeafValue, T[]>();
  private readonly byIp = new Map<string, T[]>();
  size = 0;

  private ipKey(condition: ExactCondition): string | undefined {
    if (typeof condition.value !== "string") return undefined;
    const ip = parseIp(condition.value);
    return ip ? canonicalIp(ip) : undefined;
  }

  add(condition: ExactCondition, target: T): void {
    multiAdd(this.byValue, condition.value, target);
    const ip = this.ipKey(condition);
    if (ip !== undefined) multiAdd(this.byIp, ip, target);
    this.size++;
  }

  remove(condition: ExactCondition, target: T): void {
    multiRemove(this.byValue, condition.value, target);
    const ip = this.ipKey(condition);
    if (ip !== undefined) multiRemove(this.byIp, ip, target);
    this.size--;
  }

  collect(value: LeafValue, out: T[]): void {
    const hit = this.byValue.get(value);
    if (hit) {
      for (const t of hit) out.push(t);
      // The same spelling already found them; IP lookup would only repeat them.
      return;
    }
    if (this.byIp.size > 0 && typeof value === "string") {
      const ip = parseIp(value);
      const byIp = ip && this.byIp.get(canonicalIp(ip));
      if (byIp) for (const t of byIp) out.push(t);
    }
  }
}

/** Registry entry for exact matches. */
export const exactOperator: OperatorDefinition<ExactCondition> = {
  kind: "exact",
  key: (c) => (c.value === null ? "null" : `${typeof c.value}:${String(c.value)}`),
  createIndex: <T>() => new ExactIndex<T>(),
};
