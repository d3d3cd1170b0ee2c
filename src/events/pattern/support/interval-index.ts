/**
 * Stabbing queries over numeric intervals: "which intervals contain x?" in O(log n + k).
 *
 * A centered interval tree, rebuilt lazily after changes (rules change rarely, events
 * arrive constantly). Bounds are doubles; a missing bound is +/-Infinity.
 */

/** A numeric interval with inclusive or exclusive ends. */
export interface Interval {
  readonly lo: number;
  readonly loInclusive: boolean;
  readonly hi: number;
  readonly hiInclusive: boolean;
}

interface Entry<T> {
  readonly range: Interval;
  readonly item: T;
}

interface TreeNode<T> {
  center: number;
  byLo: Entry<T>[];
  byHi: Entry<T>[];
  left: TreeNode<T> | undefined;
  right: TreeNode<T> | undefined;
  /** Set only on a node past the depth limit: scanned linearly. */
  flat: Entry<T>[] | undefined;
}

function contains(r: Interval, x: number): boolean {
  return (r.lo < x || (r.loInclusive && r.lo === x)) && (x < r.hi || (r.hiInclusive && x === r.hi));
}

function build<T>(entries: Entry<T>[], depth: number): TreeNode<T> | undefined {
  if (entries.length === 0) return undefined;
  // A pathological split cannot recurse forever: past the limit, scan linearly.
  if (depth >= 64) {
    return { center: 0, byLo: [], byHi: [], left: undefined, right: undefined, flat: entries };
  }
  const points: number[] = [];
  for (const e of entries) {
    if (Number.isFinite(e.range.lo)) points.push(e.range.lo);
    if (Number.isFinite(e.range.hi)) points.push(e.range.hi);
  }
  points.sort((a, b) => a - b);
  const center = points.length > 0 ? points[points.length >> 1]! : 0;
  const here: Entry<T>[] = [];
  const left: Entry<T>[] = [];
  const right: Entry<T>[] = [];
  for (const e of entries) {
    if (e.range.hi < center) left.push(e);
    else if (e.range.lo > center) right.push(e);
    else here.push(e);
  }
  return {
    center,
    byLo: [...here].sort((a, b) => a.range.lo - b.range.lo),
    byHi: [...here].sort((a, b) => b.range.hi - a.range.hi),
    left: build(left, depth + 1),
    right: build(right, depth + 1),
    flat: undefined,
  };
}

/** A set of (interval, item) pairs answering "which items' intervals contain x". */
export class IntervalIndex<T> {
  private entries: Entry<T>[] = [];
  private tree: TreeNode<T> | undefined;
  private dirty = false;

  get size(): number {
    return this.entries.length;
  }

  add(range: Interval, item: T): void {
    this.entries.push({ range, item });
    this.dirty = true;
  }

  remove(range: Interval, item: T): void {
    const at = this.entries.findIndex((e) => e.item === item && e.range === range);
    if (at >= 0) this.entries.splice(at, 1);
    this.dirty = true;
  }

  /** Appends the item of every interval containing `x` (x must not be NaN). */
  collect(x: number, out: T[]): void {
    if (this.dirty) {
      this.tree = build(this.entries, 0);
      this.dirty = false;
    }
    let node = this.tree;
    while (node) {
      if (node.flat) {
        for (const e of node.flat) if (contains(e.range, x)) out.push(e.item);
        return;
      }
      if (x < node.center) {
        for (const e of node.byLo) {
          if (e.range.lo > x) break;
          if (contains(e.range, x)) out.push(e.item);
        }
        node = node.left;
      } else if (x > node.center) {
        for (const e of node.byHi) {
          if (e.range.hi < x) break;
          if (contains(e.range, x)) out.push(e.item);
        }
        node = node.right;
      } else {
        for (const e of node.byLo) if (contains(e.range, x)) out.push(e.item);
        return;
      }
    }
  }
}
