/**
 * The steps of an indefinite path, compiled into a chain of closures: each step receives a
 * node and hands what it selects to the next one, down to the collector. Semantics follow
 * Jayway's path tokens; missing members, type mismatches and out-of-range indexes select
 * nothing (Step Functions never fails an indefinite path, it yields `[]`).
 */
import type { Json, JsonObject } from "../json.js";
import type { PathToken, PropertyToken, SliceToken } from "./ast.js";

/** Hands `node` on; `root` is the document root (for `$` inside filters); `out` collects. */
export type Emit = (node: Json, root: Json, out: Json[]) => void;

/** Tests one candidate of a filter. */
export type Predicate = (item: Json, root: Json) => boolean;

/** True for a JSON object. Inlined-friendly: the hot paths call it per node. */
export function isObject(node: Json | undefined): node is JsonObject {
  return typeof node === "object" && node !== null && !Array.isArray(node);
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Own-property test: JSON keys such as "constructor" must not reach the prototype. */
export function has(node: JsonObject, key: string): boolean {
  return hasOwn.call(node, key);
}

/** `length()`: the size of an array or object; null otherwise (Jayway's Length). */
export function lengthOf(node: Json): Json {
  if (Array.isArray(node)) return node.length;
  if (isObject(node)) return Object.keys(node).length;
  return null;
}

/** Jayway's leaf `['a','b']`: one object holding the members that exist. */
export function mergeProperties(node: JsonObject, names: readonly string[]): JsonObject {
  const merged: JsonObject = {};
  for (const name of names) {
    if (has(node, name)) defineMember(merged, name, node[name] as Json);
  }
  return merged;
}

/** Sets a member, treating "__proto__" as an ordinary key as JSON.parse does. */
export function defineMember(target: JsonObject, key: string, value: Json): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else target[key] = value;
}

/** The step for `token`; `leaf` is true when no token follows it. */
export function stepFor(
  token: PathToken,
  next: Emit,
  leaf: boolean,
  filter: (token: PathToken & { kind: "filter" }) => Predicate,
): Emit {
  switch (token.kind) {
    case "property":
      return propertyStep(token, next, leaf);
    case "index": {
      const indexes = token.indexes;
      return (node, root, out) => {
        if (!Array.isArray(node)) return;
        for (const index of indexes) {
          const i = index < 0 ? node.length + index : index;
          if (i >= 0 && i < node.length) next(node[i] as Json, root, out);
        }
      };
    }
    case "slice":
      return sliceStep(token, next);
    case "wildcard":
      return (node, root, out) => {
        if (Array.isArray(node)) for (const item of node) next(item, root, out);
        else if (isObject(node)) for (const key in node) next(node[key] as Json, root, out);
      };
    case "filter": {
      const accept = filter(token);
      return filterStep(accept, next);
    }
    case "function":
      return (node, root, out) => next(lengthOf(node), root, out);
    case "scan":
      throw new Error("a scan is compiled with its target");
  }
}

function propertyStep(token: PropertyToken, next: Emit, leaf: boolean): Emit {
  const names = token.names;
  if (names.length === 1) {
    const name = names[0] as string;
    if (name === "__proto__") {
      return (node, root, out) => {
        if (isObject(node) && has(node, name)) next(node[name] as Json, root, out);
      };
    }
    return (node, root, out) => {
      if (!isObject(node)) return;
      // JSON values are never functions: a function here is a prototype member, not data.
      const value: Json | undefined = node[name];
      if (value !== undefined && typeof value !== "function") next(value, root, out);
    };
  }
  if (leaf) {
    return (node, root, out) => {
      if (isObject(node)) next(mergeProperties(node, names), root, out);
    };
  }
  return (node, root, out) => {
    if (!isObject(node)) return;
    for (const name of names) if (has(node, name)) next(node[name] as Json, root, out);
  };
}

/**
 * Jayway's slices: `[a:]` and `[:b]` normalise negative bounds, `[a:b]` does not and lets
 * each index wrap on its own (so `[-2:-1]` is the second-to-last element). Steps are ignored.
 */
function sliceStep(token: SliceToken, next: Emit): Emit {
  const { from, to } = token;
  return (node, root, out) => {
    if (!Array.isArray(node)) return;
    const length = node.length;
    if (length === 0) return;
    let start: number;
    let end: number;
    if (from !== undefined && to !== undefined) {
      start = from;
      end = Math.min(length, to);
    } else if (from !== undefined) {
      start = Math.max(0, from < 0 ? length + from : from);
      end = length;
    } else {
      start = 0;
      const t = to as number;
      end = Math.min(length, t < 0 ? length + t : t);
    }
    for (let i = start; i < end; i++) {
      const j = i < 0 ? length + i : i;
      if (j >= 0 && j < length) next(node[j] as Json, root, out);
    }
  };
}

/** A filter keeps matching array elements; on an object it tests the object itself. */
export function filterStep(accept: Predicate, next: Emit): Emit {
  return (node, root, out) => {
    if (Array.isArray(node)) {
      for (const item of node) if (accept(item, root)) next(item, root, out);
    } else if (isObject(node) && accept(node, root)) next(node, root, out);
  };
}

/**
 * `..target`: Jayway's ScanPathToken. Every object and array at any depth (pre-order) is
 * offered to the target when the scan predicate admits it. Quirk kept from Jayway: on an
 * array whose target is not the last token, the token *after* the target is applied to each
 * element (so `$..[0].x` reads `x` of every element). Iterative, so deep input cannot
 * overflow the stack.
 */
export function scanStep(
  target: PathToken,
  targetStep: Emit,
  afterTarget: Emit,
  targetLeaf: boolean,
  filter: (token: PathToken & { kind: "filter" }) => Predicate,
): Emit {
  const admits = scanPredicate(target, targetLeaf, filter);
  return (start, root, out) => {
    const stack: Json[] = [start];
    while (stack.length > 0) {
      const node = stack.pop() as Json;
      if (Array.isArray(node)) {
        if (admits(node, root)) {
          if (targetLeaf) targetStep(node, root, out);
          else for (const item of node) afterTarget(item, root, out);
        }
        for (let i = node.length - 1; i >= 0; i--) {
          const item = node[i] as Json;
          if (typeof item === "object" && item !== null) stack.push(item);
        }
      } else if (isObject(node)) {
        if (admits(node, root)) targetStep(node, root, out);
        const keys = Object.keys(node);
        for (let i = keys.length - 1; i >= 0; i--) {
          const item = node[keys[i] as string] as Json;
          if (typeof item === "object" && item !== null) stack.push(item);
        }
      }
    }
  };
}

function scanPredicate(
  target: PathToken,
  leaf: boolean,
  filter: (token: PathToken & { kind: "filter" }) => Predicate,
): Predicate {
  switch (target.kind) {
    case "property": {
      const names = target.names;
      if (names.length > 1 && !leaf) return (node) => isObject(node);
      return (node) => isObject(node) && names.every((n) => has(node, n));
    }
    case "index":
    case "slice":
      return (node) => Array.isArray(node);
    case "wildcard":
      return () => true;
    case "filter":
      return filter(target);
    default:
      return () => false;
  }
}
