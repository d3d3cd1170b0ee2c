/**
 * One state of the combined machine (see `machine.ts`): the tests made after reaching it,
 * the absence checks, and the rules that end here.
 *
 * The maps are the truth and are edited as rules come and go; the walk reads array
 * snapshots of them instead (null when empty), rebuilt on first use after a change, so
 * matching an event touches as few objects as possible: with 10,000 rules the machine is
 * far bigger than the CPU caches and every object read is a likely cache miss.
 */

import type { FieldMatcher } from "./field-matcher.js";

let nextStateId = 0;

/** A machine state. */
export class State {
  readonly id = nextStateId++;
  /** Sub-rules passing through (or ending at) this state. */
  refs = 0;
  // The maps are created on first use: most states (every rule's last one) need few of
  // them, and a smaller machine keeps more of itself in the CPU caches.
  fields: Map<string, FieldMatcher<State>> | undefined;
  absent: Map<string, State> | undefined;
  /** Rules with a sub-rule ending here, with how many sub-rules end here. */
  rules: Map<string, number> | undefined;
  /** Dot-prefixes of the paths of all steps after this state (reference-counted). */
  future: Map<string, number> | undefined;

  /** Snapshots for the walk; valid while `stale` is false. */
  fieldList: FieldMatcher<State>[] | null = null;
  absentPaths: string[] | null = null;
  absentTargets: State[] | null = null;
  ruleList: string[] | null = null;
  /** The one rule ending here, when exactly one does (saves reading `ruleList`). */
  onlyRule: string | null = null;
  stale = true;
  /** Serial of the last walk that visited this state without pins (see `walk.ts`). */
  visited = 0;
  epoch = 0;

  /** Rebuilds the snapshots (called by the walk when `stale`). */
  refresh(): void {
    if (this.fields?.size === 0) this.fields = undefined;
    if (this.absent?.size === 0) this.absent = undefined;
    if (this.rules?.size === 0) this.rules = undefined;
    if (this.future?.size === 0) this.future = undefined;
    this.fieldList = this.fields ? [...this.fields.values()] : null;
    this.absentPaths = this.absent ? [...this.absent.keys()] : null;
    this.absentTargets = this.absent ? [...this.absent.values()] : null;
    this.ruleList = this.rules ? [...this.rules.keys()] : null;
    this.onlyRule = this.ruleList?.length === 1 ? this.ruleList[0]! : null;
    this.stale = false;
  }
}

/**
 * Where one field path is tested in the machine. When exactly one state tests it (the usual
 * case: rules that differ only in `detail` fields share their leading states), the scanner
 * attaches that test to the event's leaves and the walk uses it directly, instead of a
 * lookup in a state's (possibly huge) field map: see `KeyLevel.tests` and `Walk.visit`.
 */
export class PathSlot {
  private readonly tests: FieldMatcher<State>[] = [];

  /** The only test of the path (its `owner` is the state making it), or null. */
  get only(): FieldMatcher<State> | null {
    return this.tests.length === 1 ? this.tests[0]! : null;
  }

  get size(): number {
    return this.tests.length;
  }

  add(fm: FieldMatcher<State>): void {
    this.tests.push(fm);
  }

  remove(fm: FieldMatcher<State>): void {
    const at = this.tests.indexOf(fm);
    if (at >= 0) this.tests.splice(at, 1);
  }
}
