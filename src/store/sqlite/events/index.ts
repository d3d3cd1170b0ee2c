/**
 * The event bus operations of the SQLite store (see EventStore in events-port.ts).
 * `groupCommitted` lists the writes on the ingestion and delivery paths, which the store
 * wraps in group commit so concurrent PutEvents share one fsync.
 */
import type Database from "better-sqlite3";
import type { ArchivedEvent, NewDelivery, StoredEvent } from "../../events-port.js";
import { archiveQueries } from "./archives.js";
import { connectionQueries } from "./connections.js";
import { eventDeliveryQueries } from "./deliveries.js";
import { replayQueries } from "./replays.js";
import { eventResourceQueries } from "./resources.js";
import { eventRuleQueries } from "./rules.js";

/** Every event bus operation, synchronous. */
export function eventQueries(db: Database.Database) {
  const deliveries = eventDeliveryQueries(db);
  const { archiveEvents, ...archives } = archiveQueries(db);
  return {
    ...eventRuleQueries(db),
    ...deliveries,
    // Archived copies are written in the same transaction as the events they copy.
    acceptEvents(events: StoredEvent[], owed: NewDelivery[], archived: ArchivedEvent[] = []) {
      deliveries.acceptEvents(events, owed);
      archiveEvents(archived);
    },
    ...eventResourceQueries(db),
    ...connectionQueries(db),
    ...archives,
    ...replayQueries(db),
  };
}

/** Writes committed in groups (each in its own savepoint). */
export const groupCommitted = ["acceptEvents", "settleDelivery"] as const;
