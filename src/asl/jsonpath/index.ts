/**
 * JSONPath as Step Functions evaluates it (Jayway JsonPath semantics).
 *
 * PROVISIONAL: only `$`, `.name`, `['name']` and `[index]` are supported here; the complete
 * compiler (wildcards, slices, unions, filters, deep scan, AWS's error texts) replaces it.
 */
import type { Json } from "../json.js";

/** A JSONPath compiled once at load time and evaluated many times. */
export interface CompiledPath {
  /** The path as written. */
  readonly text: string;
  /** True when the path selects at most one node (no wildcard, slice, union, filter, `..`). */
  readonly definite: boolean;
  /**
   * Evaluates the path against `root`. A definite path gives the node or undefined when it is
   * absent; an indefinite path gives an array of all matches (possibly empty).
   */
  select(root: Json): Json | undefined;
}

/** A path that is not valid JSONPath; `message` says where and what was expected. */
export class PathSyntaxError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "PathSyntaxError";
  }
}

type Segment = string | number;

/** Compiles a JSONPath starting with `$`. Throws PathSyntaxError when it is not valid. */
export function compilePath(text: string): CompiledPath {
  if (!text.startsWith("$")) throw new PathSyntaxError(text, `path '${text}' must start with '$'`);
  const segments: Segment[] = [];
  const re = /\.([A-Za-z_][\w-]*)|\['([^']*)'\]|\[(\d+)\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < text.length) {
    const start = re.lastIndex;
    const match = re.exec(text);
    if (!match) throw new PathSyntaxError(text, `unexpected character at ${start} in '${text}'`);
    segments.push(match[3] !== undefined ? Number(match[3]) : (match[1] ?? match[2]));
  }
  return {
    text,
    definite: true,
    select(root) {
      let node: Json | undefined = root;
      for (const segment of segments) {
        if (typeof segment === "number") node = Array.isArray(node) ? node[segment] : undefined;
        else if (
          typeof node === "object" &&
          node !== null &&
          !Array.isArray(node) &&
          Object.hasOwn(node, segment)
        )
          node = node[segment];
        else return undefined;
      }
      return node;
    },
  };
}
