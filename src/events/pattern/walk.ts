/**
 * Matching one flattened event: the walk through the machine's states (see `machine.ts`).
 *
 * From each state reached, every field test is applied to the event's leaves at that path
 * and each state the values reach is visited in turn; rules ending at a visited state match.
 * Array consistency: the array elements that matched leaves came from are "pinned"; a later
 * leaf must come from the same element of any array already pinned. Pins on arrays no later
 * step can see are dropped, and (state, pins) pairs are visited once, so arrays of any size
 * cannot make the walk explode.
 *
 * One Walk object per machine is reused for every event (matching is synchronous), and
 * states record the serial of the last walk that reached them, so an event that matches
 * nothing allocates almost nothing.
 */

import type { ArrayStep, FlatEvent, LeafGroup } from "./event.js";
import type { Collector } from "./path-tree.js";
import type { State } from "./state.js";

/** No pinned array elements. */
export const NO_PINS: readonly ArrayStep[] = [];

/** Beyond this many matches, duplicates are found by hashing instead of a scan. */
const SMALL_ANSWER = 16;

/** Serial of the current walk (small integers stay unboxed); `epoch` counts wrap-arounds. */
let serial = 0;
let epoch = 0;

function consistent(chain: ArrayStep | null, pins: readonly ArrayStep[]): boolean {
  for (let s = chain; s; s = s.up) {
    for (const p of pins) if (p.arr === s.arr && p.idx !== s.idx) return false;
  }
  return true;
}

/** Pins kept when entering `target`: old ones plus the leaf's, if a later step can see them. */
function pinsFor(
  pins: readonly ArrayStep[],
  chain: ArrayStep | null,
  target: State,
): readonly ArrayStep[] {
  const future = target.future;
  if (future === undefined || future.size === 0) return NO_PINS;
  const out: ArrayStep[] = [];
  for (const p of pins) if (future.has(p.path)) out.push(p);
  for (let s = chain; s; s = s.up) {
    if (!future.has(s.path)) continue;
    if (pins.some((p) => p.arr === s.arr)) continue;
    out.push(s);
  }
  if (out.length === 0) return NO_PINS;
  return out.length > 1 ? out.sort((a, b) => a.arr - b.arr) : out;
}

/** The matching of one event at a time against one machine. */
export class Walk {
  private event: FlatEvent = new Map();
  private matched: string[] = [];
  private matchedSet: Set<string> | undefined;
  private seenPinned: Set<string> | undefined;
  private readonly reached: State[] = [];

  /** Ids of the rules `event` matches, starting from `root`. */
  run(root: State, event: FlatEvent): string[] {
    if (++serial === 0x3fffffff) {
      serial = 1;
      epoch++;
    }
    this.event = event;
    this.matched = [];
    this.matchedSet = undefined;
    this.seenPinned = undefined;
    this.visit(root, NO_PINS);
    const out = this.matched;
    this.event = EMPTY_EVENT;
    this.matched = [];
    return out;
  }

  private visit(state: State, pins: readonly ArrayStep[]): void {
    if (pins.length === 0) {
      if (state.visited === serial && state.epoch === epoch) return;
      state.visited = serial;
      state.epoch = epoch;
    } else {
      let key = `${state.id}`;
      for (const p of pins) key += `,${p.arr}:${p.idx}`;
      this.seenPinned ??= new Set();
      if (this.seenPinned.has(key)) return;
      this.seenPinned.add(key);
    }
    if (state.stale) state.refresh();
    if (state.onlyRule !== null) this.match(state.onlyRule);
    else if (state.ruleList !== null) for (const rule of state.ruleList) this.match(rule);

    const event = this.event;
    const fields = state.fieldList;
    if (fields !== null) {
      if (fields.length <= event.size) {
        for (const fm of fields) {
          const group = event.get(fm.path);
          if (group !== undefined) this.step(fm, group, pins);
        }
      } else {
        for (const [path, group] of event) {
          // The scanner says where this path is tested, when only one state does.
          const site = group.test;
          if (site === undefined) {
            const fm = state.fields!.get(path);
            if (fm !== undefined) this.step(fm, group, pins);
          } else if (site.owner === state) {
            if (site.always !== undefined) this.reachAlways(site.always, group, pins);
            else this.step(site.test, group, pins);
          }
        }
      }
    }
    const absentPaths = state.absentPaths;
    if (absentPaths !== null) {
      const targets = state.absentTargets!;
      for (let i = 0; i < absentPaths.length; i++) {
        const group = event.get(absentPaths[i]!);
        const present = group?.candidates(pins).some((leaf) => consistent(leaf.chain, pins));
        if (!present) this.visit(targets[i]!, pinsFor(pins, null, targets[i]!));
      }
    }
  }

  private step(fm: Collector, group: LeafGroup, pins: readonly ArrayStep[]): void {
    const reached = this.reached;
    for (const leaf of group.candidates(pins)) {
      if (leaf.chain && pins.length > 0 && !consistent(leaf.chain, pins)) continue;
      const start = reached.length;
      fm.collect(leaf.value, reached);
      const end = reached.length;
      for (let i = start; i < end; i++) {
        const next = reached[i]!;
        this.visit(next, leaf.chain || pins.length > 0 ? pinsFor(pins, leaf.chain, next) : NO_PINS);
      }
      reached.length = start;
    }
  }

  /** As `step` for a test every value passes (`exists`): each leaf reaches `target`. */
  private reachAlways(target: State, group: LeafGroup, pins: readonly ArrayStep[]): void {
    for (const leaf of group.candidates(pins)) {
      if (leaf.chain && pins.length > 0 && !consistent(leaf.chain, pins)) continue;
      this.visit(
        target,
        leaf.chain || pins.length > 0 ? pinsFor(pins, leaf.chain, target) : NO_PINS,
      );
    }
  }

  private match(rule: string): void {
    const matched = this.matched;
    const set = this.matchedSet;
    if (set !== undefined) {
      if (set.has(rule)) return;
      set.add(rule);
      matched.push(rule);
      return;
    }
    if (matched.includes(rule)) return;
    matched.push(rule);
    if (matched.length > SMALL_ANSWER) this.matchedSet = new Set(matched);
  }
}

const EMPTY_EVENT: FlatEvent = new Map();
