/**
 * Pattern validation and compilation into sub-rules.
 *
 * A pattern is flattened into field paths (keys joined with ".", as event-ruler does, so
 * `{"a":{"b":..}}` and `{"a.b":..}` are the same field) and `$or` is expanded into
 * alternatives: the compiled pattern is a list of sub-rules, each an AND of steps, and the
 * pattern matches when any sub-rule does. Within an alternative a later clause on the same
 * path replaces an earlier one, which gives both "last duplicate key wins" and event-ruler's
 * documented quirk that an `$or` branch overrides an outer clause on the same field.
 */

import type { Condition } from "./condition.js";
import { ParseContext } from "./condition.js";
import { InvalidEventPatternError } from "./errors.js";
import { KEYWORDS, parseMatchExpression } from "./operators/index.js";
import { type PatternNode, parsePatternText, patternFromValue } from "./pattern-json.js";

/** One AND-ed test of a sub-rule: a field matching any of `conditions`, or absent. */
export interface Step {
  readonly path: string;
  /** OR-ed value conditions; empty for an absence step. */
  readonly conditions: readonly Condition[];
  /** True for `exists: false`: no value at `path` in the matched array elements. */
  readonly absent: boolean;
}

/** An AND of steps: value steps, then absence steps, each in `byPath` order. */
export interface SubRule {
  readonly steps: readonly Step[];
}

/** A validated, compiled event pattern. */
export interface CompiledPattern {
  readonly subRules: readonly SubRule[];
}

/** AWS rejects patterns whose `$or` clauses multiply out to more than this. */
export const MAX_OR_COMBINATIONS = 1000;
/** Cap on sub-rules after splitting fields that mix `exists: false` with other tests. */
export const MAX_SUB_RULES = 4096;

interface Clause {
  readonly conditions: Condition[];
  readonly absent: boolean;
}

type Alternative = Map<string, Clause>;

function parseClause(node: PatternNode & { type: "array" }, ctx: ParseContext): Clause {
  if (node.items.length === 0) ctx.fail("Empty arrays are not allowed");
  const conditions: Condition[] = [];
  let absent = false;
  node.items.forEach((item, i) => {
    const condition = parseMatchExpression(item, ctx.child(i));
    if (condition.kind === "exists" && !condition.value) absent = true;
    else conditions.push(condition);
  });
  return { conditions, absent };
}

function parseOr(node: PatternNode, prefix: string, ctx: ParseContext): Alternative[] {
  if (node.type !== "array") return ctx.fail("It must be an Array followed with $or.");
  if (node.items.length < 2) ctx.fail("There must have at least 2 Objects in $or relationship.");
  const branches: Alternative[] = [];
  for (let i = 0; i < node.items.length; i++) {
    const branch = node.items[i]!;
    const at: ParseContext = ctx.child(i);
    if (branch.type !== "object") {
      return at.fail("Only JSON object is allowed in array of $or relationship.");
    }
    for (const [key] of branch.entries) {
      if (KEYWORDS.has(key))
        at.fail(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    branches.push(...walkObject(branch, prefix, [new Map()], at));
  }
  return branches;
}

function walkObject(
  node: PatternNode & { type: "object" },
  prefix: string,
  alternatives: Alternative[],
  ctx: ParseContext,
): Alternative[] {
  if (node.entries.length === 0) ctx.fail("Empty objects are not allowed");
  let alts = alternatives;
  for (const [key, child] of node.entries) {
    const at = ctx.child(key);
    if (key === "$or") {
      const branches = parseOr(child, prefix, at);
      if (alts.length * branches.length > MAX_OR_COMBINATIONS) {
        at.fail(`The $or clauses produce more than ${MAX_OR_COMBINATIONS} rule combinations`);
      }
      alts = alts.flatMap((alt) => branches.map((b) => new Map([...alt, ...b])));
      continue;
    }
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (child.type === "object") alts = walkObject(child, path, alts, at);
    else if (child.type === "array") {
      const clause = parseClause(child, at);
      for (const alt of alts) {
        alt.delete(path);
        alt.set(path, clause);
      }
    } else at.fail(`"${key}" must be an object or an array`);
  }
  return alts;
}

/** Dots in a path: its depth below the event's top level. */
function depthOf(path: string): number {
  let n = 0;
  for (let i = path.indexOf("."); i >= 0; i = path.indexOf(".", i + 1)) n++;
  return n;
}

/**
 * Step order: shallow paths first, then by name. Any fixed order gives the same answers;
 * this one puts the envelope fields (`source`, `detail-type`, `account`), which many rules
 * share, ahead of the `detail` fields that tell rules apart, so rules share their first
 * states and a match walks through few, cache-warm ones.
 */
const byPath = (a: Step, b: Step): number => {
  const d = depthOf(a.path) - depthOf(b.path);
  if (d !== 0) return d;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
};

function toSubRules(alt: Alternative): SubRule[] {
  // A clause mixing exists:false with value tests is an OR of two different kinds of
  // step; splitting it keeps every step pure so absence is checked after all value steps.
  let variants: Step[][] = [[]];
  for (const [path, clause] of alt) {
    const options: Step[] = [];
    if (clause.conditions.length > 0)
      options.push({ path, conditions: clause.conditions, absent: false });
    if (clause.absent) options.push({ path, conditions: [], absent: true });
    variants =
      options.length === 1
        ? variants.map((v) => [...v, options[0]!])
        : variants.flatMap((v) => options.map((o) => [...v, o]));
    if (variants.length > MAX_SUB_RULES) {
      throw new InvalidEventPatternError(
        "Rule is too complex - too many exists:false alternatives",
      );
    }
  }
  return variants.map((steps) => ({
    steps: [
      ...steps.filter((s) => !s.absent).sort(byPath),
      ...steps.filter((s) => s.absent).sort(byPath),
    ],
  }));
}

/**
 * Validates and compiles an event pattern given as JSON text or as a parsed value.
 * Throws {@link InvalidEventPatternError} when EventBridge would reject it.
 */
export function compilePattern(pattern: string | unknown): CompiledPattern {
  const root = typeof pattern === "string" ? parsePatternText(pattern) : patternFromValue(pattern);
  const ctx = new ParseContext("");
  if (root.type !== "object") return ctx.fail("Filter is not an object");
  const subRules = walkObject(root, "", [new Map()], ctx).flatMap(toSubRules);
  if (subRules.length > MAX_SUB_RULES) {
    throw new InvalidEventPatternError("Rule is too complex - too many alternatives");
  }
  const compiled: CompiledPattern = { subRules };
  compiled_.add(compiled);
  return compiled;
}

/** Patterns produced here; a user's `{"subRules": [...]}` is a pattern, not one of these. */
const compiled_ = new WeakSet<object>();

/** Whether `value` came from {@link compilePattern} (so it need not be compiled again). */
export function isCompiledPattern(value: unknown): value is CompiledPattern {
  return typeof value === "object" && value !== null && compiled_.has(value);
}

/** Validation only: the typed error for an invalid pattern, or undefined when valid. */
export function validatePattern(pattern: string | unknown): InvalidEventPatternError | undefined {
  try {
    compilePattern(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error;
    throw error;
  }
}
