/**
 * Wake-ups across nodes: a transaction that makes an execution due now notifies this channel
 * (delivered when it commits), so idle nodes claim it at once instead of at their next poll.
 */
import type { Sql } from "../database.js";

/** The NOTIFY channel of due executions. */
export const WAKE_CHANNEL = "opsflow_wake";

/** Notifies idle nodes, in the caller's transaction (PostgreSQL folds repeats into one). */
export async function notifyWake(tx: Sql): Promise<void> {
  await tx.run(`SELECT pg_notify('${WAKE_CHANNEL}', '')`);
}

/**
 * Makes the RUNNING execution `arn` due at `now` unless it is due sooner already, and wakes
 * idle nodes. The row is written even when it is due already: a commit of the execution may
 * hold its lock, having read the tasks before this transaction's result was committed, and
 * about to clear the wake time. Writing waits for that commit and then applies to the row it
 * left; a condition on the wake time would have been decided on the row before it.
 */
export async function wakeExecution(tx: Sql, arn: string, now: number): Promise<void> {
  const changed = await tx.run(
    `UPDATE executions SET wake_at = LEAST(COALESCE(wake_at, $1), $1)
     WHERE arn = $2 AND status = 'RUNNING'`,
    [now, arn],
  );
  if (changed > 0) await notifyWake(tx);
}
