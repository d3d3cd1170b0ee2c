/** Webhook sources. */
import type Database from "better-sqlite3";
import type { EventSourceKind, EventSourceRecord } from "../../events-port.js";
import { sourceFromRow } from "../../rows/events.js";
import { insertOnce } from "./insert-once.js";

type Row = Record<string, unknown>;

/** The webhook source operations of the SQLite store. */
export function eventResourceQueries(db: Database.Database) {
  const insertSource = db.prepare(
    `INSERT INTO event_sources (kind, name, token_hash, bus, created_at)
     VALUES (@kind, @name, @tokenHash, @eventBusName, @createdAt)`,
  );
  const getSource = db.prepare("SELECT * FROM event_sources WHERE kind = ? AND name = ?");
  const listSources = db.prepare("SELECT * FROM event_sources ORDER BY kind, name");
  const deleteSource = db.prepare("DELETE FROM event_sources WHERE kind = ? AND name = ?");
  return {
    createEventSource: (record: EventSourceRecord) =>
      insertOnce(() => insertSource.run(record), `Source ${record.kind}/${record.name}`),
    getEventSource: (kind: EventSourceKind, name: string) => {
      const row = getSource.get(kind, name) as Row | undefined;
      return row && sourceFromRow(row);
    },
    listEventSources: () => (listSources.all() as Row[]).map(sourceFromRow),
    deleteEventSource: (kind: EventSourceKind, name: string) =>
      deleteSource.run(kind, name).changes > 0,
  };
}
