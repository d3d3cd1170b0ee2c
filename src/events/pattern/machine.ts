/**
 * The combined matcher: every rule of a bus in one state machine.
 *
 * As in aws/event-ruler, a rule's steps (field tests, sorted by path) form a path through
 * shared states; rules with the same leading steps share states, and the tests one state
 * makes on one field are merged into a {@link FieldMatcher} whose per-operator indexes
 * (hash maps, tries, interval trees) find the next states for a value without looking at
 * rules that cannot match. Matching an event walks only the states its values reach.
 *
 * Array consistency: while walking, the array elements that matched leaves came from are
 * "pinned"; a later leaf must come from the same element of any array already pinned. Pins
 * on arrays no later step can see are dropped, and (state, pins) pairs are visited once,
 * so arrays of any size cannot make the walk explode.
 */

import {
  type CompiledPattern,
  compilePattern,
  isCompiledPattern,
  type Step,
  type SubRule,
} from "./compile.js";
import { InvalidEventError } from "./errors.js";
import { type ArrayStep, type FlatEvent, flattenEvent, type Leaf, RelevantPaths } from "./event.js";
import { FieldMatcher, stepKey } from "./field-matcher.js";

let nextStateId = 0;

class State {
  readonly id = nextStateId++;
  /** Sub-rules passing through (or ending at) this state. */
  refs = 0;
  readonly fields = new Map<string, FieldMatcher<State>>();
  readonly absent = new Map<string, State>();
  /** Rules with a sub-rule ending here, with how many sub-rules end here. */
  readonly rules = new Map<string, number>();
  /** Dot-prefixes of the paths of all steps after this state (reference-counted). */
  readonly future = new Map<string, number>();
}

const NO_PINS: readonly ArrayStep[] = [];

function prefixesOf(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf("."); i >= 0; i = path.indexOf(".", i + 1)) out.push(path.slice(0, i));
  out.push(path);
  return out;
}

function countFuture(
  state: State,
  steps: readonly Step[],
  from: number,
  delta: 1 | -1,
  paths?: RelevantPaths,
): void {
  for (let i = from; i < steps.length; i++) {
    for (const p of prefixesOf(steps[i]!.path)) {
      const n = (state.future.get(p) ?? 0) + delta;
      if (n === 0) state.future.delete(p);
      else state.future.set(p, n);
      paths?.update(p, delta);
    }
  }
}

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
  if (target.future.size === 0) return NO_PINS;
  const out: ArrayStep[] = [];
  for (const p of pins) if (target.future.has(p.path)) out.push(p);
  for (let s = chain; s; s = s.up) {
    if (!target.future.has(s.path)) continue;
    if (pins.some((p) => p.arr === s.arr)) continue;
    out.push(s);
  }
  if (out.length === 0) return NO_PINS;
  return out.length > 1 ? out.sort((a, b) => a.arr - b.arr) : out;
}

/** Matches events against many rules at once; see the module comment. */
export class PatternMatcher {
  private readonly root = new State();
  private readonly rules = new Map<string, CompiledPattern>();
  /** Every field path (and prefix) any rule uses: all the event flattening visits. */
  private readonly paths = new RelevantPaths();

  /** Number of rules. */
  get size(): number {
    return this.rules.size;
  }

  /** Whether a rule with this id is present. */
  hasRule(ruleId: string): boolean {
    return this.rules.has(ruleId);
  }

  /**
   * Adds (or replaces) a rule. `pattern` is JSON text, a parsed pattern value or a
   * {@link CompiledPattern}; throws `InvalidEventPatternError` if it is invalid, in which
   * case the machine is unchanged.
   */
  addRule(ruleId: string, pattern: string | unknown): void {
    const compiled = isCompiledPattern(pattern) ? pattern : compilePattern(pattern);
    this.removeRule(ruleId);
    this.rules.set(ruleId, compiled);
    for (const sub of compiled.subRules) this.addSubRule(ruleId, sub);
  }

  /** Removes a rule; unknown ids are ignored. */
  removeRule(ruleId: string): void {
    const compiled = this.rules.get(ruleId);
    if (!compiled) return;
    this.rules.delete(ruleId);
    for (const sub of compiled.subRules) this.removeSubRule(ruleId, sub);
  }

  /** Ids of the rules matching a parsed event (a JSON object; anything else matches nothing). */
  matchesFor(event: unknown): string[] {
    if (this.rules.size === 0) return [];
    return this.run(flattenEvent(event, this.paths));
  }

  /** Ids of the rules matching an event given as JSON text (parsing included). */
  matchesForJson(text: string): string[] {
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (error) {
      throw new InvalidEventError(error instanceof Error ? error.message : "not JSON");
    }
    return this.matchesFor(event);
  }

  private addSubRule(ruleId: string, sub: SubRule): void {
    const steps = sub.steps;
    let state = this.root;
    countFuture(state, steps, 0, 1, this.paths);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      let next: State | undefined;
      if (step.absent) {
        next = state.absent.get(step.path);
        if (!next) {
          next = new State();
          state.absent.set(step.path, next);
        }
      } else {
        let fm = state.fields.get(step.path);
        if (!fm) {
          fm = new FieldMatcher<State>();
          state.fields.set(step.path, fm);
        }
        const key = stepKey(step.conditions);
        next = fm.transitions.get(key)?.target;
        if (!next) {
          next = new State();
          fm.add(key, step.conditions, next);
        }
      }
      next.refs++;
      countFuture(next, steps, i + 1, 1);
      state = next;
    }
    state.rules.set(ruleId, (state.rules.get(ruleId) ?? 0) + 1);
  }

  private removeSubRule(ruleId: string, sub: SubRule): void {
    const steps = sub.steps;
    let state = this.root;
    countFuture(state, steps, 0, -1, this.paths);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const fm = step.absent ? undefined : state.fields.get(step.path);
      const key = step.absent ? "" : stepKey(step.conditions);
      const next = step.absent ? state.absent.get(step.path) : fm?.transitions.get(key)?.target;
      if (!next) return;
      next.refs--;
      countFuture(next, steps, i + 1, -1);
      if (next.refs === 0) {
        // Nothing else passes through: unhook the whole branch at once.
        if (step.absent) state.absent.delete(step.path);
        else {
          fm!.remove(key);
          if (fm!.transitions.size === 0) state.fields.delete(step.path);
        }
        return;
      }
      state = next;
    }
    const n = (state.rules.get(ruleId) ?? 0) - 1;
    if (n <= 0) state.rules.delete(ruleId);
    else state.rules.set(ruleId, n);
  }

  private run(event: FlatEvent): string[] {
    const matched = new Set<string>();
    const seenPlain = new Set<State>();
    let seenPinned: Set<string> | undefined;
    const reached: State[] = [];

    const visit = (state: State, pins: readonly ArrayStep[]): void => {
      if (pins.length === 0) {
        if (seenPlain.has(state)) return;
        seenPlain.add(state);
      } else {
        let key = `${state.id}`;
        for (const p of pins) key += `,${p.arr}:${p.idx}`;
        seenPinned ??= new Set();
        if (seenPinned.has(key)) return;
        seenPinned.add(key);
      }
      for (const ruleId of state.rules.keys()) matched.add(ruleId);

      if (state.fields.size > 0) {
        if (state.fields.size <= event.size) {
          for (const [path, fm] of state.fields) {
            const group = event.get(path);
            if (group) this.step(fm, group.candidates(pins), pins, reached, visit);
          }
        } else {
          for (const [path, group] of event) {
            const fm = state.fields.get(path);
            if (fm) this.step(fm, group.candidates(pins), pins, reached, visit);
          }
        }
      }
      for (const [path, next] of state.absent) {
        const group = event.get(path);
        const present = group?.candidates(pins).some((leaf) => consistent(leaf.chain, pins));
        if (!present) visit(next, pinsFor(pins, null, next));
      }
    };

    visit(this.root, NO_PINS);
    return [...matched];
  }

  private step(
    fm: FieldMatcher<State>,
    leaves: readonly Leaf[],
    pins: readonly ArrayStep[],
    reached: State[],
    visit: (state: State, pins: readonly ArrayStep[]) => void,
  ): void {
    for (const leaf of leaves) {
      if (leaf.chain && pins.length > 0 && !consistent(leaf.chain, pins)) continue;
      const start = reached.length;
      fm.collect(leaf.value, reached);
      const end = reached.length;
      for (let i = start; i < end; i++) {
        const next = reached[i]!;
        visit(next, leaf.chain || pins.length > 0 ? pinsFor(pins, leaf.chain, next) : NO_PINS);
      }
      reached.length = start;
    }
  }
}
