/**
 * An event as the machine reads it: leaf values grouped by field path.
 *
 * Arrays are "crushed" into their parent path (every element is a value of the same field),
 * but each leaf remembers which element of which array it came from, so a rule's fields
 * can be required to come from the same element (event-ruler's array-consistent matching).
 * Only subtrees some rule can look at are visited: the machine passes the set of path
 * prefixes its rules use, so a 1 KB event with three relevant fields costs three fields.
 */

import type { LeafValue } from "./condition.js";
import { InvalidEventError } from "./errors.js";

/** One array element a leaf sits in; `up` is the enclosing array's step, if any. */
export interface ArrayStep {
  /** Unique id of the array instance within this event. */
  readonly arr: number;
  readonly idx: number;
  /** Field path of the array (arrays of arrays share their parent's path). */
  readonly path: string;
  readonly up: ArrayStep | null;
}

/** A leaf value and the array elements enclosing it (innermost first). */
export interface Leaf {
  readonly value: LeafValue;
  readonly chain: ArrayStep | null;
}

/** The leaves of one field path, with a lazily built index by array element. */
export class LeafGroup {
  readonly leaves: Leaf[] = [];
  private byElement: Map<number, Map<number, Leaf[]>> | undefined;

  /**
   * The leaves that can be consistent with the pinned array elements `pinned`; callers
   * still check each one. For big arrays this avoids scanning every element for every
   * element already chosen by an earlier field (quadratic on a 10,000-element array).
   */
  candidates(pinned: readonly ArrayStep[]): readonly Leaf[] {
    if (pinned.length === 0 || this.leaves.length <= 16) return this.leaves;
    if (!this.byElement) {
      this.byElement = new Map();
      for (const leaf of this.leaves) {
        for (let s = leaf.chain; s; s = s.up) {
          let byIdx = this.byElement.get(s.arr);
          if (!byIdx) this.byElement.set(s.arr, (byIdx = new Map()));
          const list = byIdx.get(s.idx);
          if (list) list.push(leaf);
          else byIdx.set(s.idx, [leaf]);
        }
      }
    }
    for (const p of pinned) {
      const byIdx = this.byElement.get(p.arr);
      if (byIdx) return byIdx.get(p.idx) ?? [];
    }
    return this.leaves;
  }
}

/** Leaves by field path. */
export type FlatEvent = Map<string, LeafGroup>;

/** Deepest nesting of objects and arrays followed into an event. */
export const MAX_EVENT_DEPTH = 1024;

/**
 * Flattens `event` into leaves by path, visiting only paths in `relevant` (all prefixes of
 * all rule paths). A non-object event has no fields.
 */
export function flattenEvent(event: unknown, relevant: ReadonlyMap<string, number>): FlatEvent {
  const out: FlatEvent = new Map();
  if (event === null || typeof event !== "object" || Array.isArray(event)) return out;
  let arrays = 0;

  const leaf = (path: string, value: LeafValue, chain: ArrayStep | null): void => {
    let group = out.get(path);
    if (!group) out.set(path, (group = new LeafGroup()));
    group.leaves.push({ value, chain });
  };

  const visit = (value: unknown, path: string, chain: ArrayStep | null, depth: number): void => {
    if (depth > MAX_EVENT_DEPTH) {
      throw new InvalidEventError(`nesting exceeds ${MAX_EVENT_DEPTH} levels`);
    }
    if (value === null || typeof value !== "object") {
      // JSON gives only strings, numbers, booleans and null; anything else is not a value.
      const t = typeof value;
      if (value === null || t === "string" || t === "number" || t === "boolean") {
        leaf(path, value as LeafValue, chain);
      }
      return;
    }
    if (Array.isArray(value)) {
      const arr = arrays++;
      for (let i = 0; i < value.length; i++) {
        visit(value[i], path, { arr, idx: i, path, up: chain }, depth + 1);
      }
      return;
    }
    fields(value as Record<string, unknown>, path, chain, depth + 1);
  };

  const fields = (
    obj: Record<string, unknown>,
    prefix: string,
    chain: ArrayStep | null,
    depth: number,
  ): void => {
    for (const key in obj) {
      const path = prefix === "" ? key : `${prefix}.${key}`;
      if (relevant.has(path)) visit(obj[key], path, chain, depth);
    }
  };

  fields(event as Record<string, unknown>, "", null, 0);
  return out;
}
