/**
 * The event bus on PostgreSQL (see EventStore in events-port.ts), shared by every node: each
 * call is its own transaction; the `syncedLater` option is SQLite's group commit policy and is
 * accepted and ignored here (every commit waits for the disk).
 */
import type { ArchivedEvent, EventStore, NewDelivery, StoredEvent } from "../../events-port.js";
import type { PostgresDatabase } from "../database.js";
import { archiveEvents, postgresArchiveStore } from "./archives.js";
import { postgresEventConfigurationVersion } from "./configuration-version.js";
import { postgresConnectionStore } from "./connections.js";
import { postgresDeliveryStore, storeAccepted } from "./deliveries.js";
import { postgresReplayStore } from "./replays.js";
import { postgresRuleStore } from "./rules.js";
import { postgresEventSourceStore } from "./sources.js";

/** Every event bus operation on `db`. */
export function postgresEventStore(db: PostgresDatabase): EventStore {
  return {
    ...postgresRuleStore(db),
    ...postgresDeliveryStore(db),
    ...postgresConnectionStore(db),
    ...postgresArchiveStore(db),
    ...postgresReplayStore(db),
    ...postgresEventSourceStore(db),
    ...postgresEventConfigurationVersion(db),
    // Events, the executions their deliveries start, the deliveries left to queue, archived
    // copies and the removal of published status events commit together.
    acceptEvents: (
      events: StoredEvent[],
      owed: NewDelivery[],
      archived: ArchivedEvent[] = [],
      fromOutbox: string[] = [],
    ) =>
      db.transaction(async (tx) => {
        let [accepted, deliveries, copies] = [events, owed, archived];
        if (fromOutbox.length > 0) {
          // Of two nodes publishing the same status event, the second's DELETE waits for the
          // first to commit, then finds the row gone.
          const removed = await tx.rows<{ event_id: string }>(
            "DELETE FROM status_outbox WHERE event_id = ANY($1::text[]) RETURNING event_id",
            [fromOutbox],
          );
          const kept = new Set(removed.map((row) => row.event_id));
          const gone = new Set(fromOutbox.filter((id) => !kept.has(id)));
          if (gone.size > 0) {
            // Published by another call meanwhile: storing it again would deliver it twice.
            accepted = accepted.filter((event) => !gone.has(event.id));
            deliveries = deliveries.filter((delivery) => !gone.has(delivery.eventId));
            copies = copies.filter((copy) => !gone.has(copy.eventId));
          }
        }
        const started = await storeAccepted(tx, accepted, deliveries);
        await archiveEvents(tx, copies);
        return started;
      }),
    async pendingStatusEvents(limit: number) {
      const rows = await db.rows<{ event_id: string; entry: string; created_at: number }>(
        "SELECT event_id, entry, created_at FROM status_outbox ORDER BY seq LIMIT $1",
        [limit],
      );
      return rows.map((row) => ({ id: row.event_id, entry: row.entry, createdAt: row.created_at }));
    },
  } satisfies EventStore;
}
