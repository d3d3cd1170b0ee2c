/**
 * The event bus operations of the SQLite store (see EventStore in events-port.ts).
 * The store wraps settleDelivery and acceptEvents (with its `syncedLater` option) in group
 * commits.
 */
import type Database from "better-sqlite3";
import type { ArchivedEvent, NewDelivery, StoredEvent } from "../../events-port.js";
import { statusOutboxQueries } from "../status-outbox.js";
import { archiveQueries } from "./archives.js";
import { connectionQueries } from "./connections.js";
import { eventDeliveryQueries } from "./deliveries.js";
import { replayQueries } from "./replays.js";
import { eventResourceQueries } from "./resources.js";
import { eventRuleQueries } from "./rules.js";

/** Every event bus operation, synchronous. */
export function eventQueries(
  db: Database.Database,
  startExecution: Parameters<typeof eventDeliveryQueries>[1],
) {
  const deliveries = eventDeliveryQueries(db, startExecution);
  const { archiveEvents, ...archives } = archiveQueries(db);
  const outbox = statusOutboxQueries(db);
  return {
    ...eventRuleQueries(db),
    ...deliveries,
    // Archived copies are written in the same transaction as the events they copy, and
    // status events leave the outbox in it.
    acceptEvents(
      events: StoredEvent[],
      owed: NewDelivery[],
      archived: ArchivedEvent[] = [],
      fromOutbox: string[] = [],
      // The group committer reads it (see batch.ts); the writes are the same either way.
      _options?: { syncedLater?: boolean },
    ) {
      const gone = new Set(fromOutbox.filter((id) => !outbox.remove(id)));
      if (gone.size > 0) {
        // Published by another call meanwhile: storing it again would deliver it twice.
        events = events.filter((event) => !gone.has(event.id));
        owed = owed.filter((delivery) => !gone.has(delivery.eventId));
        archived = archived.filter((copy) => !gone.has(copy.eventId));
      }
      const started = deliveries.acceptEvents(events, owed);
      archiveEvents(archived);
      return started;
    },
    pendingStatusEvents: (limit: number) => outbox.pending(limit),
    // One process per database file (database.ts locks it): no other node changes anything.
    eventConfigurationVersion: () => "0",
    ...eventResourceQueries(db),
    ...connectionQueries(db),
    ...archives,
    ...replayQueries(db),
  };
}
