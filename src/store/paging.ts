/**
 * Opaque keyset paging tokens, shared by adapters: a token is the last row's sort key,
 * base64url-encoded, so pages stay stable while rows are added.
 */
import type { Json } from "../asl/json.js";

/** A page request: keyset paging with an opaque token. */
export interface PageRequest {
  limit: number;
  nextToken?: string;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Encodes a keyset position. */
export function encodePageToken(key: Json): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** A page token that is not one opsflow issued. */
export class InvalidPageTokenError extends Error {
  constructor() {
    super("Invalid nextToken: pass back the nextToken of a previous page unchanged.");
    this.name = "InvalidPageTokenError";
  }
}

/** Decodes a keyset position; throws InvalidPageTokenError for anything else. */
export function decodePageToken<T extends Json>(
  token: string,
  check: (value: Json) => value is T,
): T {
  let value: Json;
  try {
    value = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Json;
  } catch {
    throw new InvalidPageTokenError();
  }
  if (!check(value)) throw new InvalidPageTokenError();
  return value;
}

/** `[number, string]`: the common (time, arn) sort key. */
export function isTimeArnKey(value: Json): value is [number, string] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === "number" &&
    typeof value[1] === "string"
  );
}

/** A single string key (e.g. an arn). */
export function isStringKey(value: Json): value is string {
  return typeof value === "string";
}

/**
 * The page of `rows` read with `limit + 1`: the extra row only tells that a next page exists,
 * whose token is the key of this page's last item.
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (item: T) => Json): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextToken: encodePageToken(keyOf(items[items.length - 1])) };
}
