/**
 * The compiled form of one match expression and the contract every operator implements.
 *
 * A condition is what one element of a pattern's value list compiles to (`"x"`,
 * `{"prefix": "a"}`, `{"numeric": [">", 0]}` ...). Each operator lives in its own file under
 * `operators/` and supplies three things: how to parse and validate its JSON form, a
 * canonical key (equal conditions share machine states), and an index that answers "which
 * of my conditions does this value satisfy" without looping over rules.
 */

import { InvalidEventPatternError } from "./errors.js";
import type { Interval } from "./support/interval-index.js";

/** A leaf value of an event: what a condition is tested against. */
export type LeafValue = string | number | boolean | null;

/** Exact match: a string, number (compared by value), boolean or null. */
export interface ExactCondition {
  readonly kind: "exact";
  readonly value: LeafValue;
}

/** `prefix`, or `prefix` + `equals-ignore-case` (value stored folded then). */
export interface PrefixCondition {
  readonly kind: "prefix";
  readonly value: string;
  readonly ignoreCase: boolean;
}

/** `suffix`, or `suffix` + `equals-ignore-case` (value stored folded then). */
export interface SuffixCondition {
  readonly kind: "suffix";
  readonly value: string;
  readonly ignoreCase: boolean;
}

/** `equals-ignore-case`; `folded` is the case-folded operand. */
export interface EqualsIgnoreCaseCondition {
  readonly kind: "equals-ignore-case";
  readonly folded: string;
}

/** A parsed `wildcard` operand: literal segments between unescaped `*`. */
export interface Glob {
  readonly source: string;
  /** Literal text between stars; a pattern with k stars has k + 1 segments. */
  readonly segments: readonly string[];
}

/** `wildcard`. */
export interface WildcardCondition {
  readonly kind: "wildcard";
  readonly glob: Glob;
}

/** Every `anything-but` form; matches any present value not excluded. */
export type AnythingButCondition =
  | { readonly kind: "anything-but"; readonly form: "strings"; readonly values: readonly string[] }
  | { readonly kind: "anything-but"; readonly form: "numbers"; readonly values: readonly number[] }
  | { readonly kind: "anything-but"; readonly form: "prefix"; readonly values: readonly string[] }
  | { readonly kind: "anything-but"; readonly form: "suffix"; readonly values: readonly string[] }
  | {
      readonly kind: "anything-but";
      readonly form: "equals-ignore-case";
      /** Folded operands. */
      readonly values: readonly string[];
    }
  | { readonly kind: "anything-but"; readonly form: "wildcard"; readonly values: readonly Glob[] };

/** `numeric` range (or `=`), bounds as doubles. */
export interface NumericCondition extends Interval {
  readonly kind: "numeric";
}

/** `cidr`: the network address, masked, and the mask length. */
export interface CidrCondition {
  readonly kind: "cidr";
  readonly family: 4 | 6;
  readonly bits: number;
  readonly network: string | number;
}

/** `exists`; `false` compiles to an absence step of the machine, not to an index entry. */
export interface ExistsCondition {
  readonly kind: "exists";
  readonly value: boolean;
}

/** Any compiled match expression. */
export type Condition =
  | ExactCondition
  | PrefixCondition
  | SuffixCondition
  | EqualsIgnoreCaseCondition
  | WildcardCondition
  | AnythingButCondition
  | NumericCondition
  | CidrCondition
  | ExistsCondition;

/** The operator kinds; one file and one registry entry each. */
export type ConditionKind = Condition["kind"];

/** Where a match expression sits, for located errors. */
export class ParseContext {
  constructor(readonly pointer: string) {}

  /** Throws the typed error for this location. */
  fail(reason: string): never {
    throw new InvalidEventPatternError(reason, this.pointer);
  }

  /** The context of a child node. */
  child(segment: string | number): ParseContext {
    const escaped = String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
    return new ParseContext(`${this.pointer}/${escaped}`);
  }
}

/** Answers, for one (state, field) of the machine, which targets a value reaches. */
export interface OperatorIndex<C extends Condition, T> {
  add(condition: C, target: T): void;
  remove(condition: C, target: T): void;
  /** Appends the target of every stored condition that `value` satisfies. */
  collect(value: LeafValue, out: T[]): void;
  readonly size: number;
  /** The one target every value reaches, when that is all the index holds (`exists`). */
  readonly always?: T | undefined;
}

/** What an operator file exports; see `operators/index.ts` for the table. */
export interface OperatorDefinition<C extends Condition> {
  readonly kind: C["kind"];
  /** Canonical text of a condition: equal keys mean equal conditions. */
  key(condition: C): string;
  /** A fresh, empty index for conditions of this kind. */
  createIndex<T>(): OperatorIndex<C, T>;
}
