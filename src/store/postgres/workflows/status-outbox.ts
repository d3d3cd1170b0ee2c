/**
 * Writes to the status outbox: execution status change events, in the transaction that
 * starts or commits the execution. The event bus reads and removes them.
 */
import type { StatusEventRecord } from "../../events-port.js";
import type { Sql } from "../database.js";

/** Writes `event` to the outbox, in the caller's transaction. */
export async function addStatusEvent(tx: Sql, event: StatusEventRecord): Promise<void> {
  await tx.run("INSERT INTO status_outbox (event_id, entry, created_at) VALUES ($1, $2, $3)", [
    event.id,
    event.entry,
    event.createdAt,
  ]);
}
