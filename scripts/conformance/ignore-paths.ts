/**
 * The corpus's `ignorePaths`: `$.output.a["any key"][0]` paths into a result object.
 */
import type { Json } from "../../src/asl/json.js";

const SEGMENT = /\.([A-Za-z_$][\w$-]*)|\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]/gy;

/** Deletes the value at `path` from `root` (if present), handing it to `seen` first. */
export function deleteAtPath(
  root: Record<string, Json>,
  path: string,
  seen?: (value: Json) => void,
): void {
  const segments: (string | number)[] = [];
  SEGMENT.lastIndex = 1;
  while (SEGMENT.lastIndex < path.length) {
    const match = SEGMENT.exec(path);
    if (!match) return;
    segments.push(
      match[1] ?? (match[2] !== undefined ? (JSON.parse(match[2]) as string) : Number(match[3])),
    );
  }
  let node: Json | undefined = root;
  for (let i = 0; i < segments.length - 1; i++) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<string | number, Json>)[segments[i]];
  }
  if (node === null || typeof node !== "object") return;
  const last = segments[segments.length - 1];
  const holder = node as Record<string | number, Json>;
  if (!(last in holder)) return;
  seen?.(holder[last]);
  if (Array.isArray(node) && typeof last === "number") node[last] = null;
  else delete holder[last];
}
