/**
 * Tasks: dispatch leases, activity polling, results, heartbeats. Dispatch leases are held in
 * memory (leases.ts): a dispatch task stays `scheduled` in the file until it is settled or
 * waits for its token, so after a crash it runs again (at least once), with the same key.
 */
import type Database from "better-sqlite3";
import { taskFromRow } from "../rows/workflows.js";
import type { TaskRecord, TaskSettlement } from "../workflows-port.js";
import { leasesOf } from "./leases.js";

type Row = Record<string, unknown>;

/** The task operations of the SQLite store. */
export function taskQueries(db: Database.Database) {
  const leases = leasesOf(db).tasks;
  // Two queries, each matching one partial index (an OR of both would scan every task). The
  // second finds only rows leased in the file by versions that kept leases there.
  const scheduled = db.prepare(
    `SELECT token FROM tasks WHERE kind = 'dispatch' AND status = 'scheduled' AND lease_until IS NULL
     ORDER BY created_at LIMIT ?`,
  );
  const expired = db.prepare(
    `SELECT token FROM tasks WHERE kind = 'dispatch' AND status IN ('scheduled', 'started')
       AND lease_until IS NOT NULL AND lease_until < ? ORDER BY lease_until LIMIT ?`,
  );
  const get = db.prepare("SELECT * FROM tasks WHERE token = ?");
  const nextActivity = db.prepare(
    "SELECT token FROM tasks WHERE activity_arn = ? AND status = 'scheduled' ORDER BY created_at LIMIT 1",
  );
  const startActivity = db.prepare(
    `UPDATE tasks SET status = 'started', started_at = ?, worker_name = ?, last_heartbeat_at = ?
     WHERE token = ? AND status = 'scheduled' RETURNING *`,
  );
  const settle = db.prepare(
    `UPDATE tasks SET status = @status, output = @output, error = @error, cause = @cause, settled = 1, lease_until = NULL
     WHERE token = @token AND status IN ('scheduled', 'started') RETURNING execution_arn`,
  );
  const wake = db.prepare(
    "UPDATE executions SET wake_at = ? WHERE arn = ? AND status = 'RUNNING' AND (wake_at IS NULL OR wake_at > ?)",
  );
  const awaitToken = db.prepare(
    `UPDATE tasks SET status = 'started', started_at = COALESCE(started_at, @now), lease_until = NULL, lease_owner = NULL,
       kind = 'callback', last_heartbeat_at = @now WHERE token = @token AND status IN ('scheduled', 'started')`,
  );
  const heartbeat = db.prepare(
    "UPDATE tasks SET last_heartbeat_at = ? WHERE token = ? AND status IN ('scheduled', 'started')",
  );

  function outcomeOf(token: string): TaskSettlement {
    return get.get(token) ? "already-settled" : "unknown-token";
  }

  return {
    // A read-only transaction: the lease is taken in memory.
    claimDispatchTasks: db.transaction(
      (owner: string, now: number, leaseMs: number, limit: number) => {
        // Leased tasks are skipped here, so ask for that many more.
        const extra = leases.activeCount(now);
        const claimed: TaskRecord[] = [];
        const take = (rows: { token: string }[]) => {
          for (const { token } of rows) {
            if (claimed.length === limit) return;
            const lease = leases.take(token, owner, now, leaseMs);
            if (!lease) continue;
            const task = taskFromRow(get.get(token) as Row) as TaskRecord;
            task.status = "started";
            task.startedAt ??= lease.firstTakenAt;
            claimed.push(task);
          }
        };
        take(scheduled.all(limit + extra) as { token: string }[]);
        if (claimed.length < limit)
          take(expired.all(now, limit - claimed.length + extra) as { token: string }[]);
        return claimed;
      },
    ),
    claimActivityTask: db.transaction((activityArn: string, workerName: string, now: number) => {
      const next = nextActivity.get(activityArn) as { token: string } | undefined;
      if (!next) return undefined;
      const row = startActivity.get(now, workerName, now, next.token) as Row | undefined;
      if (!row) return undefined;
      const task = taskFromRow(row);
      wake.run(now, task.executionArn, now);
      return task;
    }),
    settleTask: db.transaction(
      (
        token: string,
        outcome: { output: string } | { error: string; cause?: string },
        now: number,
      ): TaskSettlement => {
        const succeeded = "output" in outcome;
        const settled = settle.get({
          token,
          status: succeeded ? "succeeded" : "failed",
          output: succeeded ? outcome.output : null,
          error: succeeded ? null : outcome.error,
          cause: succeeded ? null : (outcome.cause ?? null),
        }) as { execution_arn: string } | undefined;
        if (!settled) return outcomeOf(token);
        leases.release(token);
        wake.run(now, settled.execution_arn, now);
        return "settled";
      },
    ),
    markTaskAwaitingToken: (token: string, now: number) => {
      if (awaitToken.run({ now, token }).changes > 0) leases.release(token);
    },
    heartbeatTask: (token: string, now: number): TaskSettlement =>
      heartbeat.run(now, token).changes > 0 ? "settled" : outcomeOf(token),
    getTask: (token: string) => {
      const row = get.get(token) as Row | undefined;
      return row && taskFromRow(row);
    },
  };
}
