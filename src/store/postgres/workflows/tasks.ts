/**
 * Tasks: dispatch leases, activity polling, results, heartbeats. A dispatch task is leased in
 * the database by the node that runs it; when that node dies its lease expires and another
 * node runs it again (at least once), with the same idempotency key.
 */

import { taskFromRow } from "../../rows/workflows.js";
import type { TaskRecord, TaskSettlement, WorkflowStore } from "../../workflows-port.js";
import type { PostgresDatabase, Sql } from "../database.js";
import { wakeExecution } from "./wake.js";

async function outcomeOf(sql: Sql, token: string): Promise<TaskSettlement> {
  return (await sql.row("SELECT 1 FROM tasks WHERE token = $1", [token]))
    ? "already-settled"
    : "unknown-token";
}

/**
 * Records a task's result in the caller's transaction and makes its execution due now.
 * "already-settled" when the task has a result or was cancelled, "unknown-token" when there
 * is no such task; nothing is written then.
 */
export async function settleTaskIn(
  tx: Sql,
  token: string,
  outcome: { output: string } | { error: string; cause?: string },
  now: number,
): Promise<TaskSettlement> {
  const succeeded = "output" in outcome;
  const settled = await tx.row<{ execution_arn: string }>(
    `UPDATE tasks SET status = $2, output = $3, error = $4, cause = $5, settled = TRUE,
       lease_until = NULL, lease_owner = NULL
     WHERE token = $1 AND status IN ('scheduled', 'started') RETURNING execution_arn`,
    [
      token,
      succeeded ? "succeeded" : "failed",
      succeeded ? outcome.output : null,
      succeeded ? null : outcome.error,
      succeeded ? null : (outcome.cause ?? null),
    ],
  );
  if (!settled) return outcomeOf(tx, token);
  await wakeExecution(tx, settled.execution_arn, now);
  return "settled";
}

/** The task operations of the PostgreSQL workflow store. */
export function taskQueries(
  db: PostgresDatabase,
): Pick<
  WorkflowStore,
  | "claimDispatchTasks"
  | "claimActivityTask"
  | "settleTask"
  | "markTaskAwaitingToken"
  | "heartbeatTask"
  | "getTask"
> {
  return {
    // Scheduled tasks first, then tasks whose node died (lease expired), oldest first. Rows
    // another node is claiming at this moment are skipped, not waited for, and the scan goes
    // on past them.
    claimDispatchTasks: (owner, now, leaseMs, limit) =>
      db.transaction(async (tx) => {
        const tokens = (
          await tx.rows<{ token: string }>(
            `SELECT token FROM tasks
             WHERE kind = 'dispatch' AND status = 'scheduled' AND lease_until IS NULL
             ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
            [limit],
          )
        ).map((row) => row.token);
        if (tokens.length < limit) {
          const expired = await tx.rows<{ token: string }>(
            `SELECT token FROM tasks
             WHERE kind = 'dispatch' AND status IN ('scheduled', 'started')
               AND lease_until IS NOT NULL AND lease_until < $1
             ORDER BY lease_until LIMIT $2 FOR UPDATE SKIP LOCKED`,
            [now, limit - tokens.length],
          );
          tokens.push(...expired.map((row) => row.token));
        }
        if (tokens.length === 0) return [];
        const rows = await tx.rows(
          `UPDATE tasks SET status = 'started', started_at = COALESCE(started_at, $2),
             lease_owner = $1, lease_until = $2::bigint + $3::bigint
           WHERE token = ANY($4::text[]) RETURNING *`,
          [owner, now, leaseMs, tokens],
        );
        const order = new Map(tokens.map((token, i) => [token, i]));
        rows.sort(
          (a, b) => (order.get(a.token as string) ?? 0) - (order.get(b.token as string) ?? 0),
        );
        return rows.map(taskFromRow) as TaskRecord[];
      }),
    claimActivityTask: (activityArn, workerName, now) =>
      db.transaction(async (tx) => {
        const row = await tx.row(
          `UPDATE tasks SET status = 'started', started_at = $2, worker_name = $3, last_heartbeat_at = $2
           WHERE token = (
             SELECT token FROM tasks WHERE activity_arn = $1 AND status = 'scheduled'
             ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
           ) RETURNING *`,
          [activityArn, now, workerName],
        );
        if (!row) return undefined;
        const task = taskFromRow(row);
        await wakeExecution(tx, task.executionArn, now);
        return task;
      }),
    settleTask: (token, outcome, now) =>
      db.transaction((tx) => settleTaskIn(tx, token, outcome, now)),
    async markTaskAwaitingToken(token, now) {
      await db.run(
        `UPDATE tasks SET status = 'started', started_at = COALESCE(started_at, $2), lease_until = NULL,
           lease_owner = NULL, kind = 'callback', last_heartbeat_at = $2
         WHERE token = $1 AND status IN ('scheduled', 'started')`,
        [token, now],
      );
    },
    async heartbeatTask(token, now) {
      const beat = await db.run(
        "UPDATE tasks SET last_heartbeat_at = $2 WHERE token = $1 AND status IN ('scheduled', 'started')",
        [token, now],
      );
      return beat > 0 ? "settled" : outcomeOf(db, token);
    },
    async getTask(token) {
      const row = await db.row("SELECT * FROM tasks WHERE token = $1", [token]);
      return row && taskFromRow(row);
    },
  };
}
