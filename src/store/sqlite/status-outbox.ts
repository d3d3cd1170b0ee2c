/**
 * The status outbox (migration 018): execution status change events written by the
 * transactions that start and commit executions, read and removed by the event bus when it
 * accepts them. Only executions whose changes some rule or archive wants carry an event, so
 * the outbox costs nothing to everyone else.
 */
import type Database from "better-sqlite3";
import type { StatusEventRecord } from "../events-port.js";

/** The status outbox operations on `db` (each joins the caller's transaction). */
export function statusOutboxQueries(db: Database.Database) {
  const insert = db.prepare(
    "INSERT INTO status_outbox (event_id, entry, created_at) VALUES (@id, @entry, @createdAt)",
  );
  const pending = db.prepare(
    "SELECT event_id, entry, created_at FROM status_outbox ORDER BY seq LIMIT ?",
  );
  const remove = db.prepare("DELETE FROM status_outbox WHERE event_id = ?");
  return {
    /** Writes `event` to the outbox. */
    add(event: StatusEventRecord): void {
      insert.run(event);
    },
    /** The oldest `limit` events. */
    pending(limit: number): StatusEventRecord[] {
      return (pending.all(limit) as { event_id: string; entry: string; created_at: number }[]).map(
        (row) => ({ id: row.event_id, entry: row.entry, createdAt: row.created_at }),
      );
    },
    /** Removes an event; false when it was no longer there. */
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
  };
}
