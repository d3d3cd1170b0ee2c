/**
 * The parsed form of an intrinsic expression. Nodes keep their source offset so that errors
 * found after parsing (unknown function, wrong arity) can still point at the right place.
 */
import type { Json } from "../json.js";
import type { CompiledPath } from "../jsonpath/index.js";

/** A literal argument: string, number, `true`, `false` or `null`. */
export interface LiteralNode {
  readonly kind: "literal";
  readonly start: number;
  readonly value: Json;
  /**
   * For string literals only: the value split at each unescaped `{}`. States.Format needs it
   * because `\{\}` in a literal template is text, not a placeholder, and that distinction is
   * gone once the escapes are resolved.
   */
  readonly formatParts?: readonly string[];
}

/** Where a path argument starts reading: `$...`, `$$...` or `$name...`. */
export type PathRoot =
  | { readonly kind: "input" }
  | { readonly kind: "context" }
  | { readonly kind: "variable"; readonly name: string };

/** A JSONPath argument, possibly rooted at the context object or a variable. */
export interface PathNode {
  readonly kind: "path";
  readonly start: number;
  /** The argument as written, e.g. `$$.Execution.Id` or `$order.items[0]`. */
  readonly text: string;
  readonly root: PathRoot;
  /** The path applied to the root value (always starts with `$`). */
  readonly path: CompiledPath;
}

/** A call `States.Name(arg, ...)`. */
export interface CallNode {
  readonly kind: "call";
  readonly start: number;
  /** Full name including the `States.` prefix. */
  readonly name: string;
  readonly args: readonly ArgNode[];
}

/** Any argument of a call. */
export type ArgNode = LiteralNode | PathNode | CallNode;
