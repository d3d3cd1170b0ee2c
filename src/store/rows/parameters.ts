/** Row → record mapping and name ranges of the parameter domain, shared by both adapters. */
import type { ParameterRecord, ParameterType } from "../parameters-port.js";
import { defined, type Row } from "./common.js";

/**
 * The range of names under a path, as [from, to): names are ASCII, so `/a/b/` up to `/a/b0`
 * (the character after `/`) holds exactly the names below `/a/b`. Unlike LIKE, no character of
 * a name (`_`) is a wildcard. Both databases must compare names as bytes (PostgreSQL: COLLATE
 * "C" in the migration).
 */
export function pathRange(path: string): [string, string] {
  const prefix = path.endsWith("/") ? path : `${path}/`;
  return [prefix, `${prefix.slice(0, -1)}0`];
}

/** The range of names starting with `prefix`, as [from, to). */
export function prefixRange(prefix: string): [string, string] {
  if (prefix === "") return ["", "\u{10FFFF}"];
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/** A `parameter_versions` row as the port's record. */
export const parameterFromRow = (row: Row): ParameterRecord =>
  defined({
    name: row.name as string,
    version: row.version as number,
    type: row.type as ParameterType,
    value: row.value as string,
    description: row.description as string | undefined,
    allowedPattern: row.allowed_pattern as string | undefined,
    keyId: row.key_id as string | undefined,
    tier: row.tier as ParameterRecord["tier"],
    dataType: row.data_type as string,
    modifiedAt: row.modified_at as number,
    modifiedBy: row.modified_by as string,
  });
