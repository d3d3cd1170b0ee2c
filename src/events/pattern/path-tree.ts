/**
 * The field paths rules use, as a tree of object levels the JSON scanner walks.
 *
 * {@link RelevantPaths} says, for each object path, which event keys lead to a relevant field.
 * The scanner needs that per object it enters, with keys it can compare against the raw text
 * without first cutting them out of it: one {@link KeyLevel} per object path, built on first
 * use and dropped whenever the rule set changes the paths.
 */

import type { LeafValue } from "./condition.js";
import type { RelevantPaths } from "./event.js";
import type { PathSlot, State } from "./state.js";

/** Above this many plain keys a level is searched by hash; up to it, by comparing each. */
const COMPARE_LIMIT = 8;

/**
 * The machine's only test of a path, with what the walk needs from it copied out: these are
 * allocated together, one per key, so for a big level they sit side by side in memory and
 * the walk reads one compact object instead of the test and its index scattered over the heap.
 */
export class TestSite {
  constructor(
    /** The test's only operator index when it has one, else the test itself. */
    readonly test: Collector,
    /** The state making the test. */
    readonly owner: State,
    /** The state every value reaches (an `exists` test), if that is all the test is. */
    readonly always: State | undefined,
  ) {}
}

/** What finds the states a value reaches: a FieldMatcher or one of its operator indexes. */
export interface Collector {
  collect(value: LeafValue, out: State[]): void;
}

/** FNV-1a over the UTF-16 code units of `text[start, end)`. */
function hashOf(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** The relevant keys of one object path. */
export class KeyLevel {
  /** Event keys and the field path each leads to; keys without dots first. */
  readonly keys: string[] = [];
  readonly paths: string[] = [];
  /**
   * Where the machine tests each key's path when only one state does (see PathSlot), as it
   * was when this level was built: the tree is dropped whenever a rule changes.
   */
  readonly tests: (TestSite | undefined)[];
  /** How many of `keys` have no dot (they come first). */
  private readonly plain: number;
  /**
   * Plain-key hash table for big levels, open addressing, four numbers per slot: hash, key
   * index + 1, and where the key's characters sit in `arena` (offset, length). Hashing the
   * key where it sits in the text means no string is cut out per event key, and comparing
   * against the compact arena instead of the key strings scattered over the heap keeps a
   * lookup to about one cache miss, which with thousands of rules is what a lookup costs.
   */
  private readonly table: Int32Array | undefined;
  private readonly arena: string = "";
  private readonly mask: number = 0;
  /**
   * Keys with dots (`{"detail.state": ..}` in an event is the field `detail.state`). Every
   * rule path is entered here under every shorter prefix, so this is big while the plain
   * keys are few; an event key is looked up here only when it has a dot itself.
   */
  private readonly dotted: Map<string, number> | undefined;
  /**
   * Per key, the id of the last object in which it was seen: a key seen twice in one object
   * is a duplicate, which JSON.parse resolves by keeping the last value (the scanner gives up).
   */
  readonly seenIn: Int32Array;
  private readonly below: (KeyLevel | null | undefined)[] = [];

  constructor(
    private readonly tree: PathTree,
    children: ReadonlyMap<string, string>,
  ) {
    for (const pass of [false, true])
      for (const [key, path] of children) {
        if (key.includes(".") !== pass) continue;
        this.keys.push(key);
        this.paths.push(path);
      }
    this.tests = this.paths.map((path) => {
      const fm = tree.slotOf(path)?.only;
      return fm ? new TestSite(fm.onlyIndex ?? fm, fm.owner as State, fm.alwaysTarget) : undefined;
    });
    this.plain = this.keys.findIndex((key) => key.includes("."));
    if (this.plain < 0) this.plain = this.keys.length;
    this.seenIn = new Int32Array(this.keys.length);
    if (this.plain > COMPARE_LIMIT) {
      let size = 16;
      while (size < this.plain * 2) size *= 2;
      this.mask = size - 1;
      const table = new Int32Array(size * 4);
      let offset = 0;
      for (let i = 0; i < this.plain; i++) {
        const key = this.keys[i]!;
        const hash = hashOf(key, 0, key.length);
        let slot = hash & this.mask;
        while (table[slot * 4 + 1] !== 0) slot = (slot + 1) & this.mask;
        table.set([hash, i + 1, offset, key.length], slot * 4);
        offset += key.length;
      }
      this.table = table;
      this.arena = this.keys.slice(0, this.plain).join("");
    }
    if (this.plain < this.keys.length)
      this.dotted = new Map(this.keys.slice(this.plain).map((key, i) => [key, this.plain + i]));
  }

  /** The level of the object found under key `i`, or null when no rule looks inside it. */
  next(i: number): KeyLevel | null {
    let level = this.below[i];
    if (level === undefined) {
      level = this.tree.level(this.paths[i]!);
      this.below[i] = level;
    }
    return level;
  }

  /** Index of the key spelled by `text[start, end)` (no escapes inside), or -1. */
  find(text: string, start: number, end: number): number {
    if (this.table !== undefined) {
      const i = this.lookup(text, start, end);
      if (i >= 0) return i;
    } else {
      const keys = this.keys;
      const length = end - start;
      for (let i = 0; i < this.plain; i++) {
        const key = keys[i]!;
        if (key.length === length && text.startsWith(key, start)) return i;
      }
    }
    if (this.dotted === undefined) return -1;
    for (let k = start; k < end; k++) {
      if (text.charCodeAt(k) === 0x2e) return this.dotted.get(text.slice(start, end)) ?? -1;
    }
    return -1;
  }

  /** Index of a decoded key, or -1. */
  findDecoded(key: string): number {
    if (key.includes(".")) return this.dotted?.get(key) ?? -1;
    if (this.table !== undefined) return this.lookup(key, 0, key.length);
    const i = this.keys.indexOf(key);
    return i < this.plain ? i : -1;
  }

  /** Probes the plain-key table for `text[start, end)`. */
  private lookup(text: string, start: number, end: number): number {
    const table = this.table!;
    const mask = this.mask;
    const hash = hashOf(text, start, end);
    const length = end - start;
    const arena = this.arena;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 4;
      const entry = table[at + 1]!;
      if (entry === 0) return -1;
      if (table[at] !== hash || table[at + 3] !== length) continue;
      const offset = table[at + 2]!;
      let k = 0;
      while (k < length && text.charCodeAt(start + k) === arena.charCodeAt(offset + k)) k++;
      if (k === length) return entry - 1;
    }
  }
}

/** All levels of one rule set; rebuilt lazily after the paths change. */
export class PathTree {
  private readonly levels = new Map<string, KeyLevel | null>();

  constructor(
    private readonly paths: RelevantPaths,
    /** The machine's slot for a path, if it has one. */
    readonly slotOf: (path: string) => PathSlot | undefined = () => undefined,
  ) {}

  /** The level of the object at `prefix` ("" for the event itself), or null if none. */
  level(prefix: string): KeyLevel | null {
    let level = this.levels.get(prefix);
    if (level === undefined) {
      const children = this.paths.children.get(prefix);
      level = children ? new KeyLevel(this, children) : null;
      this.levels.set(prefix, level);
    }
    return level;
  }
}
