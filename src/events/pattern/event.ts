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
import type { TestSite } from "./path-tree.js";

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

  /** @param test the machine's only test of this path, when the scanner knows there is one. */
  constructor(readonly test?: TestSite) {}

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
          if (!byIdx) {
            byIdx = new Map();
            this.byElement.set(s.arr, byIdx);
          }
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
 * The field paths rules look at, as "object path -> event key -> field path", so flattening
 * looks up the few keys that matter instead of joining and hashing every key of the event.
 * A key may contain dots (`{"state.status": ..}` is the field `state.status`), so every
 * split of a rule path is entered. Reference-counted by the machine as rules come and go.
 */
export class RelevantPaths {
  readonly children = new Map<string, Map<string, string>>();
  private readonly counts = new Map<string, number>();

  /** Counts one more (delta 1) or one less (delta -1) use of `path` and its prefixes. */
  update(path: string, delta: 1 | -1): void {
    const n = (this.counts.get(path) ?? 0) + delta;
    if (n > 0) {
      this.counts.set(path, n);
      if (n === 1 && delta === 1) this.link(path, true);
      return;
    }
    this.counts.delete(path);
    this.link(path, false);
  }

  private link(path: string, add: boolean): void {
    let cut = -1;
    for (;;) {
      const prefix = cut < 0 ? "" : path.slice(0, cut);
      const rest = path.slice(cut + 1);
      let map = this.children.get(prefix);
      if (add) {
        if (!map) {
          map = new Map();
          this.children.set(prefix, map);
        }
        map.set(rest, path);
      } else if (map) {
        map.delete(rest);
        if (map.size === 0) this.children.delete(prefix);
      }
      cut = path.indexOf(".", cut + 1);
      if (cut < 0) return;
    }
  }
}

/** Above this many relevant keys under one object, iterate the event's keys instead. */
const LOOKUP_LIMIT = 8;

/**
 * Flattens `event` into leaves by path, visiting only paths some rule uses. A non-object
 * event has no fields.
 */
export function flattenEvent(event: unknown, relevant: RelevantPaths): FlatEvent {
  const out: FlatEvent = new Map();
  if (event === null || typeof event !== "object" || Array.isArray(event)) return out;
  let arrays = 0;
  const index = relevant.children;

  const visit = (value: unknown, path: string, chain: ArrayStep | null, depth: number): void => {
    if (depth > MAX_EVENT_DEPTH) {
      throw new InvalidEventError(`nesting exceeds ${MAX_EVENT_DEPTH} levels`);
    }
    if (value === null || typeof value !== "object") {
      // JSON gives only strings, numbers, booleans and null; anything else is not a value.
      const t = typeof value;
      if (value === null || t === "string" || t === "number" || t === "boolean") {
        let group = out.get(path);
        if (!group) {
          group = new LeafGroup();
          out.set(path, group);
        }
        group.leaves.push({ value: value as LeafValue, chain });
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
    const children = index.get(prefix);
    if (!children) return;
    if (children.size <= LOOKUP_LIMIT) {
      for (const [key, path] of children) {
        const value = obj[key];
        if (value !== undefined && Object.hasOwn(obj, key)) visit(value, path, chain, depth);
      }
      return;
    }
    for (const key in obj) {
      const path = children.get(key);
      if (path !== undefined && Object.hasOwn(obj, key)) visit(obj[key], path, chain, depth);
    }
  };

  fields(event as Record<string, unknown>, "", null, 0);
  return out;
}
