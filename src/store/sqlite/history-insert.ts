/**
 * Appends history events with multi-row INSERTs: a pass that records a dozen events runs one
 * or two statements instead of a dozen (each statement has a fixed cost in the driver and in
 * SQLite's parser-free but per-call VDBE start-up).
 */
import type Database from "better-sqlite3";
import type { HistoryEventRecord } from "../workflows-port.js";

/** Rows per statement: 16 events × 6 columns stays far below SQLite's variable limit. */
const CHUNK = 16;

/** The appender of `db`: `(executionId, events)` inserts the events of one execution in order. */
export function historyInserter(
  db: Database.Database,
): (executionId: number | bigint, events: HistoryEventRecord[]) => void {
  const bySize: Database.Statement[] = [];
  const statement = (rows: number) => {
    bySize[rows] ??= db.prepare(
      `INSERT INTO execution_history (execution_id, id, previous_id, type, timestamp, details) VALUES ${Array.from(
        { length: rows },
        () => "(?, ?, ?, ?, ?, ?)",
      ).join(", ")}`,
    );
    return bySize[rows];
  };
  return (executionId, events) => {
    for (let from = 0; from < events.length; from += CHUNK) {
      const chunk = events.slice(from, from + CHUNK);
      const values: unknown[] = [];
      for (const event of chunk) {
        values.push(
          executionId,
          event.id,
          event.previousEventId,
          event.type,
          event.timestamp,
          event.details === undefined ? null : JSON.stringify(event.details),
        );
      }
      statement(chunk.length).run(values);
    }
  };
}
