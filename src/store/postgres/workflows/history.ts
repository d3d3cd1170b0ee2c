/**
 * Appends history events with one multi-row INSERT per call (unnest of parallel arrays): a
 * pass that records a dozen events costs one round trip, not a dozen.
 */
import type { HistoryEventRecord } from "../../workflows-port.js";
import type { Sql } from "../database.js";

/** Inserts the events of the execution with id `executionId`, in order. */
export async function appendHistory(
  tx: Sql,
  executionId: number,
  events: readonly HistoryEventRecord[],
): Promise<void> {
  if (events.length === 0) return;
  await tx.run(
    `INSERT INTO execution_history (execution_id, id, previous_id, type, timestamp, details)
     SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::text[])`,
    [
      executionId,
      events.map((event) => event.id),
      events.map((event) => event.previousEventId),
      events.map((event) => event.type),
      events.map((event) => event.timestamp),
      events.map((event) => (event.details === undefined ? null : JSON.stringify(event.details))),
    ],
  );
}
