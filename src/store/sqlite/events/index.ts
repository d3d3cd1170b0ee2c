/**
 * The event bus operations of the SQLite store (see EventStore in events-port.ts).
 * `groupCommitted` lists the writes on the ingestion and delivery paths, which the store
 * wraps in group commit so concurrent PutEvents share one fsync.
 */
import type Database from "better-sqlite3";
import { eventDeliveryQueries } from "./deliveries.js";
import { eventResourceQueries } from "./resources.js";
import { eventRuleQueries } from "./rules.js";

/** Every event bus operation, synchronous. */
export function eventQueries(db: Database.Database) {
  return {
    ...eventRuleQueries(db),
    ...eventDeliveryQueries(db),
    ...eventResourceQueries(db),
  };
}

/** Writes committed in groups (each in its own savepoint). */
export const groupCommitted = ["acceptEvents", "settleDelivery"] as const;
