/**
 * Parsed path → evaluator. A definite path becomes a flat key list walked in a loop (no
 * allocation); an indefinite one becomes a closure chain (see steps.ts) that pushes into one
 * result array.
 */
import type { Json } from "../json.js";
import { isTokenDefinite, type ParsedPath, type PathToken } from "./ast.js";
import { compileFilter } from "./filter.js";
import {
  type Emit,
  has,
  isObject,
  lengthOf,
  mergeProperties,
  type Predicate,
  scanStep,
  stepFor,
} from "./steps.js";

/** A compiled path, evaluated from `node` with `root` as the document for `$` in filters. */
export interface Runner {
  readonly definite: boolean;
  run(node: Json, root: Json): Json | undefined;
}

/** True when every token selects at most one node. */
export function isDefinite(tokens: readonly PathToken[]): boolean {
  return tokens.every((t, i) => isTokenDefinite(t, i === tokens.length - 1));
}

/** Compiles a parsed path. */
export function compileParsed(parsed: ParsedPath): Runner {
  const tokens = parsed.tokens;
  if (isDefinite(tokens)) return compileDefinite(tokens);
  const filter = (token: PathToken & { kind: "filter" }): Predicate => compileFilter(token.expr);
  const head = chain(tokens, 0, collect, filter);
  return {
    definite: false,
    run(node, root) {
      const out: Json[] = [];
      head(node, root, out);
      return out;
    },
  };
}

const collect: Emit = (node, _root, out) => {
  out.push(node);
};

function chain(
  tokens: readonly PathToken[],
  i: number,
  last: Emit,
  filter: (token: PathToken & { kind: "filter" }) => Predicate,
): Emit {
  if (i >= tokens.length) return last;
  const token = tokens[i] as PathToken;
  if (token.kind === "scan") {
    // The parser guarantees a token after '..'.
    const target = tokens[i + 1] as PathToken;
    const targetLeaf = i + 1 === tokens.length - 1;
    const afterTarget = chain(tokens, i + 2, last, filter);
    const targetStep = stepFor(target, afterTarget, targetLeaf, filter);
    return scanStep(target, targetStep, afterTarget, targetLeaf, filter);
  }
  return stepFor(token, chain(tokens, i + 1, last, filter), i === tokens.length - 1, filter);
}

/** Definite paths: names and indexes in a loop, then an optional merge or length(). */
function compileDefinite(tokens: readonly PathToken[]): Runner {
  const keys: (string | number)[] = [];
  let tail: ((node: Json) => Json | undefined) | undefined;
  for (const token of tokens) {
    if (token.kind === "property" && token.names.length === 1) keys.push(token.names[0] as string);
    else if (token.kind === "index") keys.push(token.indexes[0] as number);
    else if (token.kind === "property") {
      const names = token.names;
      tail = (node) => (isObject(node) ? mergeProperties(node, names) : undefined);
    } else tail = lengthOf;
  }
  const n = keys.length;
  return {
    definite: true,
    run(node) {
      let current: Json = node;
      for (let i = 0; i < n; i++) {
        const key = keys[i] as string | number;
        if (typeof key === "string") {
          if (!isObject(current)) return undefined;
          const value: Json | undefined = current[key];
          // JSON values are never functions: a function is a prototype member, not data.
          // `__proto__` is the one inherited member that is not a function.
          if (value === undefined || typeof value === "function") return undefined;
          if (key === "__proto__" && !has(current, key)) return undefined;
          current = value;
        } else {
          if (!Array.isArray(current)) return undefined;
          const index = key < 0 ? current.length + key : key;
          if (index < 0 || index >= current.length) return undefined;
          current = current[index] as Json;
        }
      }
      return tail === undefined ? current : tail(current);
    },
  };
}
