/** Webhook sources on PostgreSQL. */
import type { EventSourceKind, EventSourceRecord, EventStore } from "../../events-port.js";
import { sourceFromRow } from "../../rows/events.js";
import type { PostgresDatabase } from "../database.js";
import { insertOnce } from "./shared.js";

/** The webhook source operations of the PostgreSQL store. */
export function postgresEventSourceStore(db: PostgresDatabase) {
  return {
    createEventSource: (record: EventSourceRecord) =>
      insertOnce(
        () =>
          db.run(
            `INSERT INTO event_sources (kind, name, token_hash, bus, created_at)
             VALUES ($1, $2, $3, $4, $5)`,
            [record.kind, record.name, record.tokenHash, record.eventBusName, record.createdAt],
          ),
        `Source ${record.kind}/${record.name}`,
      ),
    async getEventSource(kind: EventSourceKind, name: string) {
      const row = await db.row("SELECT * FROM event_sources WHERE kind = $1 AND name = $2", [
        kind,
        name,
      ]);
      return row && sourceFromRow(row);
    },
    async listEventSources() {
      return (await db.rows("SELECT * FROM event_sources ORDER BY kind, name")).map(sourceFromRow);
    },
    deleteEventSource: async (kind: EventSourceKind, name: string) =>
      (await db.run("DELETE FROM event_sources WHERE kind = $1 AND name = $2", [kind, name])) > 0,
  } satisfies Pick<
    EventStore,
    "createEventSource" | "getEventSource" | "listEventSources" | "deleteEventSource"
  >;
}
