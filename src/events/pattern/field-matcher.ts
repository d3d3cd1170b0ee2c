/**
 * All the tests one machine state makes on one field, merged across rules.
 *
 * Each distinct OR-list of conditions (a step) leads to its own next state; every condition
 * of the list is entered into its operator's index pointing at that state. Matching a value
 * asks each operator kind present (at most nine) for the states it reaches, so the cost
 * depends on the value and on how many conditions it satisfies, not on the number of rules.
 */

import type { Condition, ConditionKind, LeafValue, OperatorIndex } from "./condition.js";
import { conditionKey, OPERATORS } from "./operators/index.js";

/** A step's target and the conditions entered for it (needed again on removal). */
export interface Transition<T> {
  readonly conditions: readonly Condition[];
  readonly target: T;
}

/** Key of an OR-list of conditions: order-independent, duplicates ignored. */
export function stepKey(conditions: readonly Condition[]): string {
  return [...new Set(conditions.map(conditionKey))].sort().join("\u0000");
}

/** The merged tests of one (state, field path). */
export class FieldMatcher<T> {
  readonly transitions = new Map<string, Transition<T>>();
  private readonly indexes = new Map<ConditionKind, OperatorIndex<Condition, T>>();
  private active: OperatorIndex<Condition, T>[] = [];
  /** The one index when only one operator kind is in use (the usual case): one read less. */
  private only: OperatorIndex<Condition, T> | null = null;
  /** The target every value reaches, when `only` says so: no index is read per match. */
  private always: T | undefined;

  /** The one operator index, when a single operator kind is in use. */
  get onlyIndex(): OperatorIndex<Condition, T> | null {
    return this.only;
  }

  /** The target every value reaches (an `exists` test), if that is all this field tests. */
  get alwaysTarget(): T | undefined {
    return this.always;
  }

  /**
   * @param path the field these tests look at.
   * @param owner the machine state making these tests.
   */
  constructor(
    readonly path: string,
    readonly owner: unknown,
  ) {}

  /** Adds a transition for an OR-list of conditions (caller ensures `key` is new). */
  add(key: string, conditions: readonly Condition[], target: T): void {
    this.transitions.set(key, { conditions, target });
    const seen = new Set<string>();
    for (const condition of conditions) {
      // ["a", "a"] must not reach the target twice per value.
      const ck = conditionKey(condition);
      if (seen.has(ck)) continue;
      seen.add(ck);
      let index = this.indexes.get(condition.kind);
      if (!index) {
        const def = OPERATORS[condition.kind] as { createIndex<U>(): OperatorIndex<Condition, U> };
        index = def.createIndex<T>();
        this.indexes.set(condition.kind, index);
        this.active = [...this.indexes.values()];
        this.only = this.active.length === 1 ? this.active[0]! : null;
      }
      index.add(condition, target);
      this.always = this.only?.always;
    }
  }

  /** Removes a transition and its index entries. */
  remove(key: string): void {
    const transition = this.transitions.get(key);
    if (!transition) return;
    this.transitions.delete(key);
    const seen = new Set<string>();
    for (const condition of transition.conditions) {
      const ck = conditionKey(condition);
      if (seen.has(ck)) continue;
      seen.add(ck);
      const index = this.indexes.get(condition.kind);
      if (!index) continue;
      index.remove(condition, transition.target);
      if (index.size === 0) {
        this.indexes.delete(condition.kind);
        this.active = [...this.indexes.values()];
        this.only = this.active.length === 1 ? this.active[0]! : null;
      }
      this.always = this.only?.always;
    }
  }

  /** Appends every target reached by `value`. */
  collect(value: LeafValue, out: T[]): void {
    if (this.always !== undefined) {
      out.push(this.always);
      return;
    }
    const only = this.only;
    if (only !== null) {
      only.collect(value, out);
      return;
    }
    const active = this.active;
    for (let i = 0; i < active.length; i++) active[i]!.collect(value, out);
  }
}
