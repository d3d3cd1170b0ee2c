/**
 * `anything-but` in all its forms: a single string or number, a list of strings or of
 * numbers, and `{"prefix"|"suffix"|"equals-ignore-case"|"wildcard": string | string[]}`.
 *
 * It matches any value that is present and not excluded: null, booleans and values of the
 * other type count as "not excluded" (`{"anything-but": 444}` matches the string "444";
 * `{"anything-but": {"prefix": "init"}}` matches the number 12), but a missing field never
 * matches. Because such a rule matches almost every value, the set of matching rules is as
 * large as the set of rules: the index keeps a flat list and tests each exclusion.
 */

import type {
  AnythingButCondition,
  Glob,
  LeafValue,
  OperatorDefinition,
  OperatorIndex,
  ParseContext,
} from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { foldCase } from "../support/case-fold.js";
import { listRemove } from "../support/multimap.js";
import { numberOperand } from "./numeric.js";
import { globMatches, parseGlob } from "./wildcard.js";

const NOT_A_VALUE = "Value of anything-but must be an array or single string/number value.";

function parseList(node: PatternNode, ctx: ParseContext): AnythingButCondition {
  if (node.type !== "array") return ctx.fail(NOT_A_VALUE);
  if (node.items.length === 0) return ctx.fail("Empty arrays are not allowed");
  const strings: string[] = [];
  const numbers: number[] = [];
  node.items.forEach((item, i) => {
    if (item.type === "string") strings.push(item.value);
    else if (item.type === "number")
      numbers.push(numberOperand(item, ctx.child(i), "anything-but"));
    else ctx.fail("Inside anything but list, start|null|boolean is not supported.");
  });
  if (strings.length > 0 && numbers.length > 0) {
    ctx.fail(
      "Inside anything but list, either all values are number or string, mixed type is not supported",
    );
  }
  return strings.length > 0
    ? { kind: "anything-but", form: "strings", values: strings }
    : { kind: "anything-but", form: "numbers", values: numbers };
}

/** The string operands of an object form: one string or a non-empty list of strings. */
function stringOperands(node: PatternNode, ctx: ParseContext, typeError: string): string[] {
  if (node.type === "string") return [node.value];
  if (node.type === "object") ctx.fail(NOT_A_VALUE);
  if (node.type !== "array") return ctx.fail(typeError);
  if (node.items.length === 0) ctx.fail("Empty arrays are not allowed");
  return node.items.map((item) => (item.type === "string" ? item.value : ctx.fail(typeError)));
}

function parseObjectForm(
  node: PatternNode & { type: "object" },
  ctx: ParseContext,
): AnythingButCondition {
  if (node.entries.length === 0) return ctx.fail("Empty objects are not allowed");
  // event-ruler's wording for a second key here.
  if (node.entries.length > 1) return ctx.fail("Too many elements in numeric expression");
  const [key, operand] = node.entries[0]!;
  const at = ctx.child(key);
  switch (key) {
    case "prefix":
    case "suffix": {
      const values = stringOperands(operand, at, "prefix/suffix match pattern must be a string");
      if (values.includes("")) at.fail("Null prefix/suffix not allowed");
      return { kind: "anything-but", form: key, values };
    }
    case "equals-ignore-case": {
      const typeError =
        "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.";
      const values = stringOperands(operand, at, typeError).map(foldCase);
      return { kind: "anything-but", form: "equals-ignore-case", values };
    }
    case "wildcard": {
      const typeError = "wildcard match pattern must be a string";
      const values = stringOperands(operand, at, typeError).map((s) => parseGlob(s, at));
      return { kind: "anything-but", form: "wildcard", values };
    }
    default:
      return ctx.fail(`Unsupported anything-but pattern: ${key}`);
  }
}

/** Compiles the operand of `anything-but`. */
export function parseAnythingBut(node: PatternNode, ctx: ParseContext): AnythingButCondition {
  switch (node.type) {
    case "string":
      return { kind: "anything-but", form: "strings", values: [node.value] };
    case "number":
      return {
        kind: "anything-but",
        form: "numbers",
        values: [numberOperand(node, ctx, "anything-but")],
      };
    case "array":
      return parseList(node, ctx);
    case "object":
      return parseObjectForm(node, ctx);
    default:
      return ctx.fail(NOT_A_VALUE);
  }
}

/** Whether `value` is excluded by the condition. */
function excludes(c: AnythingButCondition, value: LeafValue): boolean {
  if (c.form === "numbers") return typeof value === "number" && c.values.includes(value);
  if (typeof value !== "string") return false;
  switch (c.form) {
    case "strings":
      return c.values.includes(value);
    case "prefix":
      return c.values.some((p) => value.startsWith(p));
    case "suffix":
      return c.values.some((s) => value.endsWith(s));
    case "equals-ignore-case":
      return c.values.includes(foldCase(value));
    case "wildcard":
      return c.values.some((g: Glob) => globMatches(g, value));
  }
}

interface Entry<T> {
  readonly condition: AnythingButCondition;
  readonly target: T;
  /**
   * For a plain string or number list of at most two values, the values themselves, so the
   * usual `{"anything-but": ["a", "b"]}` is tested without reading the condition: with
   * thousands of rules every object read is a likely cache miss.
   */
  readonly first: string | number | undefined;
  readonly second: string | number | undefined;
}

function entryOf<T>(condition: AnythingButCondition, target: T): Entry<T> {
  const small =
    (condition.form === "strings" || condition.form === "numbers") && condition.values.length <= 2;
  return {
    condition,
    target,
    first: small ? condition.values[0] : undefined,
    second: small ? condition.values[1] : undefined,
  };
}

function entryExcludes<T>(e: Entry<T>, value: LeafValue): boolean {
  if (e.first === undefined) return excludes(e.condition, value);
  // Strings never equal numbers, so one comparison serves both forms.
  return value === e.first || (e.second !== undefined && value === e.second);
}

class AnythingButIndex<T> implements OperatorIndex<AnythingButCondition, T> {
  private readonly entries: Entry<T>[] = [];
  // The entry when there is exactly one (one rule per field is the usual case), copied into
  // this object so a match reads one object, not three.
  private onlyTarget: T | undefined;
  private onlyEntry: Entry<T> | undefined;
  private onlyFirst: string | number | undefined;
  private onlySecond: string | number | undefined;

  get size(): number {
    return this.entries.length;
  }

  add(condition: AnythingButCondition, target: T): void {
    this.entries.push(entryOf(condition, target));
    this.single();
  }

  remove(condition: AnythingButCondition, target: T): void {
    const found = this.entries.find((e) => e.condition === condition && e.target === target);
    if (found) listRemove(this.entries, found);
    this.single();
  }

  private single(): void {
    const only = this.entries.length === 1 ? this.entries[0] : undefined;
    this.onlyEntry = only;
    this.onlyTarget = only?.target;
    this.onlyFirst = only?.first;
    this.onlySecond = only?.second;
  }

  collect(value: LeafValue, out: T[]): void {
    if (this.onlyEntry !== undefined) {
      const first = this.onlyFirst;
      const excluded =
        first === undefined
          ? excludes(this.onlyEntry.condition, value)
          : value === first || (this.onlySecond !== undefined && value === this.onlySecond);
      if (!excluded) out.push(this.onlyTarget!);
      return;
    }
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (!entryExcludes(e, value)) out.push(e.target);
    }
  }
}

/** Registry entry for anything-but. */
export const anythingButOperator: OperatorDefinition<AnythingButCondition> = {
  kind: "anything-but",
  key: (c) =>
    `${c.form}:${JSON.stringify(c.form === "wildcard" ? c.values.map((g) => g.source) : c.values)}`,
  createIndex: <T>() => new AnythingButIndex<T>(),
};
