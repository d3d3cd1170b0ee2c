/**
 * The combined matcher: every rule of a bus in one state machine.
 *
 * As in aws/event-ruler, a rule's steps (field tests, in one fixed order) form a path through
 * shared states; rules with the same leading steps share states, and the tests one state
 * makes on one field are merged into a {@link FieldMatcher} whose per-operator indexes
 * (hash maps, tries, interval trees) find the next states for a value without looking at
 * rules that cannot match. Matching an event walks only the states its values reach.
 *
 * Events reach the machine flattened (leaves by field path): from JSON text by the scanner
 * in `scan.ts`, from a parsed value by `flattenEvent`; the walk itself is in `walk.ts`.
 */

import {
  type CompiledPattern,
  compilePattern,
  isCompiledPattern,
  type Step,
  type SubRule,
} from "./compile.js";
import { InvalidEventError } from "./errors.js";
import { type FlatEvent, flattenEvent, RelevantPaths } from "./event.js";
import { FieldMatcher, stepKey } from "./field-matcher.js";
import { PathTree } from "./path-tree.js";
import { scanEvent } from "./scan.js";
import { PathSlot, State } from "./state.js";
import { Walk } from "./walk.js";

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
      state.future ??= new Map();
      const future = state.future;
      const n = (future.get(p) ?? 0) + delta;
      if (n === 0) future.delete(p);
      else future.set(p, n);
      paths?.update(p, delta);
    }
  }
}

/** Matches events against many rules at once; see the module comment. */
export class PatternMatcher {
  private readonly root = new State();
  private readonly rules = new Map<string, CompiledPattern>();
  /** Every field path (and prefix) any rule uses: all the event flattening visits. */
  private readonly paths = new RelevantPaths();
  /** The same paths as object levels for the JSON scanner; rebuilt after rule changes. */
  private tree: PathTree | undefined;
  private readonly walk = new Walk();
  /** Where each field path is tested, for paths some state tests. */
  private readonly slots = new Map<string, PathSlot>();

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
    this.tree = undefined;
    for (const sub of compiled.subRules) this.addSubRule(ruleId, sub);
  }

  /** Removes a rule; unknown ids are ignored. */
  removeRule(ruleId: string): void {
    const compiled = this.rules.get(ruleId);
    if (!compiled) return;
    this.rules.delete(ruleId);
    this.tree = undefined;
    for (const sub of compiled.subRules) this.removeSubRule(ruleId, sub);
  }

  /** Ids of the rules matching a parsed event (a JSON object; anything else matches nothing). */
  matchesFor(event: unknown): string[] {
    if (this.rules.size === 0) return [];
    return this.run(flattenEvent(event, this.paths));
  }

  /**
   * Ids of the rules matching an event given as JSON text. The text is scanned for the
   * fields rules use without being parsed (see `scan.ts`); anything the scanner leaves
   * undecided goes through `JSON.parse`, so both ways give the same answer and the same
   * errors. Throws `InvalidEventError` for text that is not JSON.
   */
  matchesForJson(text: string): string[] {
    this.tree ??= new PathTree(this.paths, (path) => this.slots.get(path));
    const flat = scanEvent(text, this.tree.level(""));
    if (flat !== undefined) return this.rules.size === 0 ? [] : this.run(flat);
    return this.matchesForParsedJson(text);
  }

  /** {@link matchesForJson} by `JSON.parse` and value flattening (the reference path). */
  matchesForParsedJson(text: string): string[] {
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
        state.absent ??= new Map();
        next = state.absent.get(step.path);
        if (!next) {
          next = new State();
          state.absent.set(step.path, next);
        }
      } else {
        state.fields ??= new Map();
        let fm = state.fields.get(step.path);
        if (!fm) {
          fm = new FieldMatcher<State>(step.path, state);
          state.fields.set(step.path, fm);
          let slot = this.slots.get(step.path);
          if (!slot) {
            slot = new PathSlot();
            this.slots.set(step.path, slot);
          }
          slot.add(fm);
        }
        const key = stepKey(step.conditions);
        next = fm.transitions.get(key)?.target;
        if (!next) {
          next = new State();
          fm.add(key, step.conditions, next);
        }
      }
      state.stale = true;
      next.refs++;
      countFuture(next, steps, i + 1, 1);
      state = next;
    }
    state.rules ??= new Map();
    state.rules.set(ruleId, (state.rules.get(ruleId) ?? 0) + 1);
    state.stale = true;
  }

  private removeSubRule(ruleId: string, sub: SubRule): void {
    const steps = sub.steps;
    let state = this.root;
    countFuture(state, steps, 0, -1, this.paths);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const fm = step.absent ? undefined : state.fields?.get(step.path);
      const key = step.absent ? "" : stepKey(step.conditions);
      const next = step.absent ? state.absent?.get(step.path) : fm?.transitions.get(key)?.target;
      if (!next) return;
      state.stale = true;
      next.refs--;
      countFuture(next, steps, i + 1, -1);
      if (next.refs === 0) {
        // Nothing else passes through: unhook the whole branch at once.
        if (step.absent) state.absent?.delete(step.path);
        else {
          fm!.remove(key);
          if (fm!.transitions.size === 0) {
            state.fields?.delete(step.path);
            const slot = this.slots.get(step.path);
            slot?.remove(fm!);
            if (slot?.size === 0) this.slots.delete(step.path);
          }
        }
        return;
      }
      state = next;
    }
    const n = (state.rules?.get(ruleId) ?? 0) - 1;
    if (n <= 0) state.rules?.delete(ruleId);
    else state.rules?.set(ruleId, n);
    state.stale = true;
  }

  private run(event: FlatEvent): string[] {
    return this.walk.run(this.root, event);
  }
}
