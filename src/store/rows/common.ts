/**
 * Dialect-neutral helpers for mapping database rows to the ports' records.
 * Both adapters hand rows over as plain objects; only booleans differ
 * (SQLite stores 0/1, PostgreSQL returns true/false), so every boolean
 * column is read through {@link flag}.
 */
import type { Json } from "../../asl/json.js";

/** A database row: column name to value, as either driver returns it. */
export type Row = Record<string, unknown>;

/** Drops undefined and null fields so optional record fields stay absent. */
export function defined<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[])
    if (record[key] === undefined || record[key] === null) delete record[key];
  return record;
}

/** A boolean column: true for SQLite's 1 and PostgreSQL's true. */
export function flag(value: unknown): boolean {
  return value === 1 || value === true;
}

/** A JSON text column, or undefined when the column is null. */
export function jsonOf<T>(value: unknown): T | undefined {
  return value === null || value === undefined ? undefined : (JSON.parse(value as string) as T);
}

/** Groups child rows by their parent's id, in the order they came. */
export function groupBy<T>(rows: Row[], parent: string, map: (row: Row) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const id = row[parent] as string;
    const group = groups.get(id);
    if (group) group.push(map(row));
    else groups.set(id, [map(row)]);
  }
  return groups;
}

/** Whether a decoded page token is a version number. */
export const isVersionKey = (value: Json): value is number =>
  typeof value === "number" && Number.isInteger(value);
