/**
 * The parsed form of a JSONPath: a flat list of tokens after the root, as Jayway JsonPath
 * (the library behind Step Functions' JSONPath) splits a path.
 */
import type { Json } from "../json.js";

/** `.name`, `['name']` or `['a','b']`; `quote` is kept because Jayway echoes it in messages. */
export interface PropertyToken {
  readonly kind: "property";
  readonly names: readonly string[];
  readonly quote: "'" | '"';
}

/** `[n]` or `[n,m,...]`; negative indexes count from the end. */
export interface IndexToken {
  readonly kind: "index";
  readonly indexes: readonly number[];
}

/** `[a:b]`, `[a:]`, `[:b]`; a step (`[a:b:c]`) is parsed and, like Jayway, ignored. */
export interface SliceToken {
  readonly kind: "slice";
  readonly from: number | undefined;
  readonly to: number | undefined;
}

/** `.*` or `[*]`: every member of an object or element of an array. */
export interface WildcardToken {
  readonly kind: "wildcard";
}

/** `..`: the following token is applied at every depth. */
export interface ScanToken {
  readonly kind: "scan";
}

/** `[?(...)]`. */
export interface FilterToken {
  readonly kind: "filter";
  readonly expr: FilterExpr;
  readonly text: string;
}

/** A trailing function call such as `.length()`. */
export interface FunctionToken {
  readonly kind: "function";
  readonly name: "length";
}

export type PathToken =
  | PropertyToken
  | IndexToken
  | SliceToken
  | WildcardToken
  | ScanToken
  | FilterToken
  | FunctionToken;

/** A parsed path: `$` (document root) or `@` (the current item inside a filter). */
export interface ParsedPath {
  readonly text: string;
  readonly root: "$" | "@";
  readonly tokens: readonly PathToken[];
}

/** Relational operators of filters. */
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "=~";

/** An operand of a filter comparison. */
export type FilterOperand =
  | { readonly kind: "literal"; readonly value: Json }
  | { readonly kind: "regex"; readonly regex: RegExp }
  | { readonly kind: "path"; readonly path: ParsedPath };

/** A filter expression (the text between `[?(` and `)]`). */
export type FilterExpr =
  | { readonly kind: "or" | "and"; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: "not"; readonly expr: FilterExpr }
  | { readonly kind: "exists"; readonly path: ParsedPath; readonly expected: boolean }
  | {
      readonly kind: "compare";
      readonly op: CompareOp;
      readonly left: FilterOperand;
      readonly right: FilterOperand;
    };

/** True when a token selects at most one node (Jayway's `isTokenDefinite`). */
export function isTokenDefinite(token: PathToken, leaf: boolean): boolean {
  switch (token.kind) {
    case "property":
      // A leaf `['a','b']` merges into one object; elsewhere it fans out.
      return token.names.length === 1 || leaf;
    case "index":
      return token.indexes.length === 1;
    case "function":
      return true;
    default:
      return false;
  }
}
