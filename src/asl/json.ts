/** A JSON value as it appears in definitions, inputs, outputs and events. */
export type Json = null | boolean | number | string | Json[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Deep structural equality of two JSON values; numbers compare by value, object key order is
 * ignored.
 */
export function jsonEquals(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEquals(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !jsonEquals(a[key], b[key])) return false;
  }
  return true;
}

/** How deep JSON values may nest in inputs opsflow accepts (deeper ones are refused). */
export const MAX_JSON_DEPTH = 512;

/** The nesting depth of a JSON value, counting no further than `limit + 1` (no recursion). */
export function jsonDepth(value: Json, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [Json, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [Json, number];
    if (typeof node !== "object" || node === null) continue;
    const next = depth + 1;
    if (next > deepest) deepest = next;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, next]);
  }
  return deepest;
}
