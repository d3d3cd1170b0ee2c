/**
 * URL encoding of JSON objects for `Transform.RequestBodyEncoding: URL_ENCODED` (and array
 * values in QueryParameters), with the four `ArrayFormat` styles. Nested objects use the
 * bracket notation (`a[b]=c`) that form parsers such as PHP, Rails and `qs` read back.
 */
import { isJsonObject, type Json, type JsonObject } from "../../asl/json.js";

/** How arrays are written: `a[0]=x&a[1]=y`, `a=x&a=y`, `a=x,y` or `a[]=x&a[]=y`. */
export type ArrayFormat = "INDICES" | "REPEAT" | "COMMAS" | "BRACKETS";

/** The styles, INDICES (AWS's default) first. */
export const ARRAY_FORMATS: readonly ArrayFormat[] = ["INDICES", "REPEAT", "COMMAS", "BRACKETS"];

/** A decoded name/value pair, in order. */
export type Pair = readonly [string, string];

/** Flattens an object into name/value pairs; nulls become empty values, empty arrays vanish. */
export function toPairs(object: JsonObject, format: ArrayFormat): Pair[] {
  const out: Pair[] = [];
  for (const [key, value] of Object.entries(object)) flatten(key, value, format, out);
  return out;
}

function flatten(key: string, value: Json, format: ArrayFormat, out: Pair[]): void {
  if (Array.isArray(value)) {
    if (format === "COMMAS" && value.every((item) => !isComposite(item))) {
      if (value.length > 0) out.push([key, value.map(scalar).join(",")]);
      return;
    }
    value.forEach((item, index) => {
      // REPEAT cannot express position inside nested structures; indices keep them parseable.
      const name =
        format === "BRACKETS" && !isComposite(item)
          ? `${key}[]`
          : format === "REPEAT" && !isComposite(item)
            ? key
            : `${key}[${index}]`;
      flatten(name, item, format, out);
    });
    return;
  }
  if (isJsonObject(value)) {
    for (const [child, item] of Object.entries(value))
      flatten(`${key}[${child}]`, item, format, out);
    return;
  }
  out.push([key, scalar(value)]);
}

function isComposite(value: Json): boolean {
  return typeof value === "object" && value !== null;
}

function scalar(value: Json): string {
  if (value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** RFC 3986 percent-encoding: encodeURIComponent leaves `!'()*` alone, form parsers do not. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `name=value&...`, both sides percent-encoded. */
export function encodePairs(pairs: readonly Pair[]): string {
  return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join("&");
}
