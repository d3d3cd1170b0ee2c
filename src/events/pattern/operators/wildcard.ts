/**
 * `wildcard`: `*` matches any run of characters (including none), the whole value must
 * match, `\*` is a literal star and `\\` a literal backslash; any other escape and `**` are
 * errors.
 *
 * Rules are indexed by their literal head (text before the first star) in a trie, or, when
 * they start with a star, by their literal tail in a reversed trie; only patterns that
 * start and end with a star are checked one by one. Candidates are confirmed with a greedy
 * glob match, which is linear-time for star-only globs.
 */

import type {
  Glob,
  LeafValue,
  OperatorDefinition,
  OperatorIndex,
  ParseContext,
  WildcardCondition,
} from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { listRemove } from "../support/multimap.js";
import { StringTrie } from "../support/string-trie.js";

/**
 * How many stars may be followed by the same character. AWS rejects patterns such as
 * `*:*:*:*:*:event-bus/*` as "too complex" (their matcher state grows with such repeats)
 * without publishing the limit; this bound rejects that pattern and accepts every
 * documented one.
 */
const MAX_REPEATED_STAR_FOLLOWERS = 4;

/** Parses and validates a wildcard operand. */
export function parseGlob(source: string, ctx: ParseContext): Glob {
  const segments: string[] = [];
  let current = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const next = source[i + 1];
      if (next !== "*" && next !== "\\") ctx.fail(`Invalid escape character at pos ${i}`);
      current += next;
      i++;
    } else if (c === "*") {
      if (source[i + 1] === "*") ctx.fail(`Consecutive wildcard characters at pos ${i + 1}`);
      segments.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  segments.push(current);
  const followers = new Map<string, number>();
  for (const segment of segments.slice(1)) {
    if (segment === "") continue;
    const n = (followers.get(segment[0]!) ?? 0) + 1;
    followers.set(segment[0]!, n);
    if (n > MAX_REPEATED_STAR_FOLLOWERS) {
      ctx.fail(
        "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character",
      );
    }
  }
  return { source, segments };
}

/** Whether `value` matches the whole glob. */
export function globMatches(glob: Glob, value: string): boolean {
  const s = glob.segments;
  const n = s.length;
  if (n === 1) return value === s[0];
  const head = s[0]!;
  const tail = s[n - 1]!;
  if (value.length < head.length + tail.length) return false;
  if (!value.startsWith(head) || !value.endsWith(tail)) return false;
  const end = value.length - tail.length;
  let pos = head.length;
  for (let i = 1; i < n - 1; i++) {
    const part = s[i]!;
    const at = value.indexOf(part, pos);
    if (at < 0 || at + part.length > end) return false;
    pos = at + part.length;
  }
  return true;
}

/** Compiles the operand of `wildcard`. */
export function parseWildcard(node: PatternNode, ctx: ParseContext): WildcardCondition {
  if (node.type !== "string") ctx.fail("wildcard match pattern must be a string");
  return { kind: "wildcard", glob: parseGlob(node.value, ctx) };
}

interface Candidate<T> {
  readonly glob: Glob;
  readonly target: T;
}

class WildcardIndex<T> implements OperatorIndex<WildcardCondition, T> {
  private readonly byHead = new StringTrie<Candidate<T>>(false);
  private readonly byTail = new StringTrie<Candidate<T>>(true);
  private readonly scanned: Candidate<T>[] = [];
  private readonly entries = new Map<T, Map<string, Candidate<T>>>();
  size = 0;

  private place(glob: Glob): "head" | "tail" | "scan" {
    const s = glob.segments;
    if (s.length === 1 || s[0] !== "") return "head";
    return s[s.length - 1] !== "" ? "tail" : "scan";
  }

  add(condition: WildcardCondition, target: T): void {
    const candidate = { glob: condition.glob, target };
    let forTarget = this.entries.get(target);
    if (!forTarget) {
      forTarget = new Map();
      this.entries.set(target, forTarget);
    }
    forTarget.set(condition.glob.source, candidate);
    const s = condition.glob.segments;
    const where = this.place(condition.glob);
    if (where === "head") this.byHead.add(s[0]!, candidate);
    else if (where === "tail") this.byTail.add(s[s.length - 1]!, candidate);
    else this.scanned.push(candidate);
    this.size++;
  }

  remove(condition: WildcardCondition, target: T): void {
    const forTarget = this.entries.get(target);
    const candidate = forTarget?.get(condition.glob.source);
    if (!forTarget || !candidate) return;
    forTarget.delete(condition.glob.source);
    if (forTarget.size === 0) this.entries.delete(target);
    const s = condition.glob.segments;
    const where = this.place(condition.glob);
    if (where === "head") this.byHead.remove(s[0]!, candidate);
    else if (where === "tail") this.byTail.remove(s[s.length - 1]!, candidate);
    else listRemove(this.scanned, candidate);
    this.size--;
  }

  collect(value: LeafValue, out: T[]): void {
    if (typeof value !== "string") return;
    const candidates: Candidate<T>[] = [];
    this.byHead.collect(value, candidates);
    this.byTail.collect(value, candidates);
    for (const c of candidates) if (globMatches(c.glob, value)) out.push(c.target);
    for (const c of this.scanned) if (globMatches(c.glob, value)) out.push(c.target);
  }
}

/** Registry entry for wildcard matches. */
export const wildcardOperator: OperatorDefinition<WildcardCondition> = {
  kind: "wildcard",
  key: (c) => c.glob.source,
  createIndex: <T>() => new WildcardIndex<T>(),
};
