/**
 * Flattening an event straight from its JSON text, without building the JSON value.
 *
 * Only the fields some rule mentions matter (aws/event-ruler makes the same observation), so
 * one pass over the text reads the keys of the objects on relevant paths and decodes only
 * the values at those paths; every other subtree is stepped over without materialising it:
 * strings are skipped with `indexOf`, nested containers with a depth counter. The output is
 * the same {@link FlatEvent} that {@link flattenEvent} builds from `JSON.parse`'s value, with
 * the same array bookkeeping, so the machine cannot tell the two apart.
 *
 * The scanner validates the whole text by JSON's grammar (RFC 8259, as `JSON.parse` does),
 * but it never reports errors itself: whenever it meets anything it does not handle the
 * ordinary way (a syntax error, a duplicate key on a relevant path, a top-level value that is
 * not an object, nesting deeper than the machine follows) it gives up and the caller parses
 * with `JSON.parse`, which then decides. So the fast path can only ever agree with the slow
 * one; property tests in test/events/pattern-scan.test.ts hold it to that.
 */

import { type ArrayStep, type FlatEvent, LeafGroup, MAX_EVENT_DEPTH } from "./event.js";
import type { KeyLevel, TestSite } from "./path-tree.js";

/** Thrown (never escapes this module) when the scanner leaves the decision to JSON.parse. */
const GIVE_UP = { giveUp: true } as const;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** Characters JSON forbids raw inside strings (U+0000 to U+001F). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const CONTROL = /[\u0000-\u001f]/g;

/** Ids of relevant objects, for duplicate-key detection; wrapping only causes a give-up. */
let objectSerial = 0;

const isDigit = (c: number): boolean => c >= DIGIT_0 && c <= DIGIT_9;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** One scan of one text; see the module comment. */
class Scanner {
  pos = 0;
  /** Position of the next backslash at or after the last string start (length if none). */
  private backslash = -1;
  /** Position of the next control character at or after the last string start. */
  private control = -1;
  /** Whether the string just read contained escapes. */
  private escaped = false;
  private arrays = 0;
  /** Open containers while skipping: true for objects. */
  private readonly open: boolean[] = [];
  readonly out: FlatEvent = new Map();

  constructor(private readonly text: string) {}

  /** Skips whitespace; returns the code unit after it. */
  ws(): number {
    const text = this.text;
    let pos = this.pos;
    let c = text.charCodeAt(pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++pos);
    this.pos = pos;
    return c;
  }

  /**
   * Reads the string whose opening quote is at `this.pos`; returns the position of its
   * closing quote (and leaves `pos` there). Sets `escaped` when it holds escapes.
   */
  private stringEnd(): number {
    const text = this.text;
    const start = this.pos + 1;
    let end = text.indexOf('"', start);
    if (end < 0) throw GIVE_UP;
    if (this.backslash < start) {
      const at = text.indexOf("\\", start);
      this.backslash = at < 0 ? text.length : at;
    }
    this.escaped = false;
    if (this.backslash < end) {
      this.escaped = true;
      end = this.escapedEnd(this.backslash);
    }
    if (this.control < start) {
      CONTROL.lastIndex = start;
      const found = CONTROL.exec(text);
      this.control = found ? found.index : text.length;
    }
    if (this.control < end) throw GIVE_UP;
    this.pos = end;
    return end;
  }

  /** Validates escapes from the backslash at `at` on; returns the closing quote's position. */
  private escapedEnd(at: number): number {
    const text = this.text;
    let k = at;
    for (;;) {
      const e = text.charCodeAt(k + 1);
      if (e === 0x75 /* u */) {
        if (
          !isHex(text.charCodeAt(k + 2)) ||
          !isHex(text.charCodeAt(k + 3)) ||
          !isHex(text.charCodeAt(k + 4)) ||
          !isHex(text.charCodeAt(k + 5))
        )
          throw GIVE_UP;
        k += 6;
      } else if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === 0x2f /* / */ ||
        e === 0x62 /* b */ ||
        e === 0x66 /* f */ ||
        e === 0x6e /* n */ ||
        e === 0x72 /* r */ ||
        e === 0x74 /* t */
      ) {
        k += 2;
      } else throw GIVE_UP;
      const quote = text.indexOf('"', k);
      if (quote < 0) throw GIVE_UP;
      const next = text.indexOf("\\", k);
      if (next < 0 || next > quote) {
        this.backslash = next < 0 ? text.length : next;
        return quote;
      }
      k = next;
    }
  }

  /** Steps over a number starting at `pos`; returns its value when `decode`. */
  private number(decode: boolean): number {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    let c = text.charCodeAt(pos);
    const negative = c === MINUS;
    if (negative) c = text.charCodeAt(++pos);
    let value = 0;
    if (c === DIGIT_0) c = text.charCodeAt(++pos);
    else if (isDigit(c)) {
      do {
        value = value * 10 + (c - DIGIT_0);
        c = text.charCodeAt(++pos);
      } while (isDigit(c));
    } else throw GIVE_UP;
    let simple = pos - start <= 15;
    if (c === DOT) {
      simple = false;
      c = text.charCodeAt(++pos);
      if (!isDigit(c)) throw GIVE_UP;
      do c = text.charCodeAt(++pos);
      while (isDigit(c));
    }
    if (c === 0x65 || c === 0x45) {
      simple = false;
      c = text.charCodeAt(++pos);
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++pos);
      if (!isDigit(c)) throw GIVE_UP;
      do c = text.charCodeAt(++pos);
      while (isDigit(c));
    }
    this.pos = pos;
    if (!decode) return 0;
    // Up to 15 digits an integer is exact in a double; anything else is converted as JSON.parse does.
    if (simple) return negative ? -value : value;
    return Number(text.slice(start, pos));
  }

  /** Steps over `true`, `false` or `null`; returns the value. */
  private literal(): boolean | null {
    const text = this.text;
    const pos = this.pos;
    if (text.startsWith("true", pos)) {
      this.pos = pos + 4;
      return true;
    }
    if (text.startsWith("false", pos)) {
      this.pos = pos + 5;
      return false;
    }
    if (text.startsWith("null", pos)) {
      this.pos = pos + 4;
      return null;
    }
    throw GIVE_UP;
  }

  private leaf(
    path: string,
    test: TestSite | undefined,
    value: string | number | boolean | null,
    chain: ArrayStep | null,
  ) {
    let group = this.out.get(path);
    if (group === undefined) {
      group = new LeafGroup(test);
      this.out.set(path, group);
    }
    group.leaves.push({ value, chain });
  }

  /** Reads the object at `pos` (its `{`), following the keys `level` lists. */
  object(level: KeyLevel, chain: ArrayStep | null, depth: number): void {
    const text = this.text;
    this.pos++;
    let c = this.ws();
    if (c === CLOSE_OBJECT) {
      this.pos++;
      return;
    }
    const serial = ++objectSerial;
    if (serial === 0x7fffffff) objectSerial = 0;
    const seen = level.seenIn;
    for (;;) {
      if (c !== QUOTE) throw GIVE_UP;
      const start = this.pos + 1;
      const end = this.stringEnd();
      const i = this.escaped
        ? level.findDecoded(JSON.parse(text.slice(start - 1, end + 1)) as string)
        : level.find(text, start, end);
      this.pos = end + 1;
      if (this.ws() !== COLON) throw GIVE_UP;
      this.pos++;
      this.ws();
      if (i < 0) this.skip();
      else {
        if (seen[i] === serial) throw GIVE_UP;
        seen[i] = serial;
        // The level below matters only for objects (also inside arrays).
        const v = text.charCodeAt(this.pos);
        const below = v === OPEN_OBJECT || v === OPEN_ARRAY ? level.next(i) : null;
        this.value(level.paths[i]!, level.tests[i], below, chain, depth + 1);
      }
      c = this.ws();
      if (c === COMMA) {
        this.pos++;
        c = this.ws();
        continue;
      }
      if (c !== CLOSE_OBJECT) throw GIVE_UP;
      this.pos++;
      return;
    }
  }

  /** Reads the value at `pos`, which sits at field `path`. */
  private value(
    path: string,
    test: TestSite | undefined,
    level: KeyLevel | null,
    chain: ArrayStep | null,
    depth: number,
  ) {
    if (depth > MAX_EVENT_DEPTH) throw GIVE_UP;
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === QUOTE) {
      const start = this.pos + 1;
      const end = this.stringEnd();
      this.pos = end + 1;
      const value = this.escaped
        ? (JSON.parse(text.slice(start - 1, end + 1)) as string)
        : text.slice(start, end);
      this.leaf(path, test, value, chain);
    } else if (c === OPEN_OBJECT) {
      if (level === null) this.skip();
      else this.object(level, chain, depth);
    } else if (c === OPEN_ARRAY) {
      const arr = this.arrays++;
      this.pos++;
      let next = this.ws();
      if (next === CLOSE_ARRAY) {
        this.pos++;
        return;
      }
      for (let idx = 0; ; idx++) {
        this.value(path, test, level, { arr, idx, path, up: chain }, depth + 1);
        next = this.ws();
        if (next === COMMA) {
          this.pos++;
          this.ws();
          continue;
        }
        if (next !== CLOSE_ARRAY) throw GIVE_UP;
        this.pos++;
        return;
      }
    } else if (c === MINUS || isDigit(c)) this.leaf(path, test, this.number(true), chain);
    else this.leaf(path, test, this.literal(), chain);
  }

  /** Steps over (and validates) the value at `pos`, at any depth, without decoding it. */
  skip(): void {
    const text = this.text;
    const open = this.open;
    const base = open.length;
    for (;;) {
      // A value starts here.
      const c = text.charCodeAt(this.pos);
      if (c === QUOTE) this.pos = this.stringEnd() + 1;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.pos++;
        const first = this.ws();
        if (c === OPEN_OBJECT) {
          if (first === CLOSE_OBJECT) this.pos++;
          else {
            open.push(true);
            this.key();
            continue;
          }
        } else if (first === CLOSE_ARRAY) this.pos++;
        else {
          open.push(false);
          continue;
        }
      } else if (c === MINUS || isDigit(c)) this.number(false);
      else this.literal();
      // After a value: close containers until one continues.
      for (;;) {
        if (open.length === base) return;
        const isObject = open[open.length - 1]!;
        const d = this.ws();
        if (d === COMMA) {
          this.pos++;
          this.ws();
          if (isObject) this.key();
          break;
        }
        if (d !== (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) throw GIVE_UP;
        this.pos++;
        open.pop();
      }
    }
  }

  /** Steps over `"key" :` (pos at the quote) and the whitespace after it. */
  private key(): void {
    if (this.text.charCodeAt(this.pos) !== QUOTE) throw GIVE_UP;
    this.pos = this.stringEnd() + 1;
    if (this.ws() !== COLON) throw GIVE_UP;
    this.pos++;
    this.ws();
  }

  /** Whether only whitespace is left. */
  atEnd(): boolean {
    this.ws();
    return this.pos === this.text.length;
  }
}

/**
 * Flattens the event in `text` down the keys of `root` (the event's own level; null when
 * no rule looks at any field). Returns undefined when JSON.parse has to decide instead: the
 * text is not valid JSON, is not an object, has a duplicate key on a relevant path, or nests
 * deeper than {@link MAX_EVENT_DEPTH} on one.
 */
export function scanEvent(text: string, root: KeyLevel | null): FlatEvent | undefined {
  const scanner = new Scanner(text);
  try {
    if (scanner.ws() !== OPEN_OBJECT) return undefined;
    if (root === null) scanner.skip();
    else scanner.object(root, null, -1);
    return scanner.atEnd() ? scanner.out : undefined;
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}
