/**
 * Leases and group commits: the runtime leases due executions, steps them in memory and
 * commits many of them in one transaction, each fenced by the lease it took.
 */
import type Database from "better-sqlite3";
import type { ClaimedExecution, ExecutionCommit, TaskRecord } from "../port.js";
import { executionFromRow, taskFromRow } from "./rows.js";

type Row = Record<string, unknown>;

/** The claim and commit operations of the SQLite store. */
export function claimQueries(
  db: Database.Database,
  appendEvents: (arn: string, events: ExecutionCommit["events"]) => void,
  startExecution: (execution: ExecutionCommit["childExecutions"][number]) => unknown,
  settleTask: (
    token: string,
    outcome: NonNullable<ExecutionCommit["parentSettlement"]>["outcome"],
    now: number,
  ) => unknown,
) {
  const due = db.prepare(
    `SELECT arn FROM executions INDEXED BY executions_running_wake
     WHERE status = 'RUNNING' AND wake_at IS NOT NULL AND wake_at <= ?
       AND (lease_until IS NULL OR lease_until < ?) ORDER BY wake_at LIMIT ?`,
  );
  const lease = db.prepare(
    `UPDATE executions SET lease_owner = ?, lease_until = ?, fence = fence + 1
     WHERE arn = ? AND (lease_until IS NULL OR lease_until < ?) RETURNING *`,
  );
  const stateOf = db.prepare("SELECT state FROM execution_state WHERE arn = ?");
  const settled = db.prepare("SELECT * FROM tasks WHERE execution_arn = ? AND settled = 1");
  const beats = db.prepare(
    `SELECT token, last_heartbeat_at FROM tasks WHERE execution_arn = ? AND status IN ('scheduled', 'started')
       AND heartbeat_seconds IS NOT NULL AND last_heartbeat_at IS NOT NULL`,
  );
  const update = db.prepare(
    `UPDATE executions SET status = @status, output = @output, error = @error, cause = @cause, stopped_at = @stoppedAt,
       next_event_id = @nextEventId, lease_owner = NULL, lease_until = NULL,
       redrive_count = COALESCE(@redriveCount, redrive_count), redriven_at = COALESCE(@redrivenAt, redriven_at),
       stop_requested = CASE WHEN @stopApplied THEN 0 ELSE stop_requested END
     WHERE arn = @arn AND fence = @fence`,
  );
  // A result or stop request that arrived while the execution was leased was not in the claim,
  // and its wake-up (settleTask/requestStop lower wake_at) must survive the commit: writing the
  // commit's wakeAt blindly left such an execution waiting forever. So when unconsumed results
  // or an unapplied stop remain, the earlier of the current wake time and the commit's is kept.
  const setWake = db.prepare(
    `UPDATE executions SET wake_at = CASE
       WHEN status = 'RUNNING' AND (stop_requested = 1
         OR EXISTS (SELECT 1 FROM tasks WHERE tasks.execution_arn = executions.arn AND settled = 1))
       THEN COALESCE(MIN(wake_at, @wakeAt), wake_at, @wakeAt)
       ELSE @wakeAt END
     WHERE arn = @arn`,
  );
  const saveState = db.prepare("UPDATE execution_state SET state = ? WHERE arn = ?");
  const insertTask = db.prepare(
    `INSERT INTO tasks (token, execution_arn, frame_id, state_name, resource, kind, awaits_token, parameters,
       idempotency_key, status, activity_arn, created_at, heartbeat_seconds)
     VALUES (@token, @executionArn, @frameId, @stateName, @resource, @kind, @awaitsToken, @parameters,
       @idempotencyKey, @status, @activityArn, @createdAt, @heartbeatSeconds)`,
  );
  const consume = db.prepare("UPDATE tasks SET settled = 0 WHERE token = ?");
  const cancel = db.prepare(
    "UPDATE tasks SET status = ?, settled = 0 WHERE token = ? AND status IN ('scheduled', 'started')",
  );
  const stopChild = db.prepare(
    `UPDATE executions SET stop_requested = 1, stop_error = ?, stop_cause = ?, wake_at = ?
     WHERE parent_task_token = ? AND status = 'RUNNING'`,
  );
  const release = db.prepare(
    "UPDATE executions SET lease_owner = NULL, lease_until = NULL WHERE arn = ? AND fence = ?",
  );
  const forgetExecutionLeases = db.prepare(
    "UPDATE executions SET lease_owner = NULL, lease_until = NULL WHERE lease_until IS NOT NULL",
  );
  const forgetTaskLeases = db.prepare(
    "UPDATE tasks SET lease_until = 0 WHERE kind = 'dispatch' AND status = 'started'",
  );
  const nextUnleased = db.prepare(
    `SELECT MIN(wake_at) AS at FROM executions INDEXED BY executions_running_wake
     WHERE status = 'RUNNING' AND wake_at IS NOT NULL AND lease_until IS NULL`,
  );
  const nextLeased = db.prepare(
    `SELECT MIN(MAX(wake_at, lease_until)) AS at FROM executions INDEXED BY executions_leased
     WHERE lease_until IS NOT NULL AND status = 'RUNNING' AND wake_at IS NOT NULL`,
  );

  function claimed(row: Row): ClaimedExecution {
    const claim: ClaimedExecution = {
      record: executionFromRow(row),
      state: (stateOf.get(row.arn) as { state: string }).state,
      nextEventId: row.next_event_id as number,
      fence: row.fence as number,
      settledTasks: (settled.all(row.arn) as Row[]).map(taskFromRow) as TaskRecord[],
      heartbeats: Object.fromEntries(
        (beats.all(row.arn) as { token: string; last_heartbeat_at: number }[]).map((b) => [
          b.token,
          b.last_heartbeat_at,
        ]),
      ),
    };
    if (row.stop_requested === 1) {
      claim.stopRequest = {};
      if (row.stop_error !== null) claim.stopRequest.error = row.stop_error as string;
      if (row.stop_cause !== null) claim.stopRequest.cause = row.stop_cause as string;
    }
    return claim;
  }

  return {
    claimExecutions: db.transaction(
      (owner: string, now: number, leaseMs: number, limit: number) => {
        const claims: ClaimedExecution[] = [];
        for (const { arn } of due.all(now, now, limit) as { arn: string }[]) {
          const row = lease.get(owner, now + leaseMs, arn, now) as Row | undefined;
          if (row) claims.push(claimed(row));
        }
        return claims;
      },
    ),
    claimExecution: db.transaction((arn: string, owner: string, now: number, leaseMs: number) => {
      const row = lease.get(owner, now + leaseMs, arn, now) as Row | undefined;
      return row ? claimed(row) : undefined;
    }),
    commit: db.transaction((commits: ExecutionCommit[]) => {
      const lost: string[] = [];
      for (const commit of commits) {
        const { record } = commit;
        const changed = update.run({
          arn: commit.arn,
          fence: commit.fence,
          status: record.status,
          output: record.output ?? null,
          error: record.error ?? null,
          cause: record.cause ?? null,
          stoppedAt: record.stoppedAt ?? null,
          nextEventId: commit.nextEventId,
          stopApplied: commit.stopApplied ? 1 : 0,
          redriveCount: record.redriveCount ?? null,
          redrivenAt: record.redrivenAt ?? null,
        }).changes;
        if (changed === 0) {
          lost.push(commit.arn);
          continue;
        }
        saveState.run(commit.state, commit.arn);
        appendEvents(commit.arn, commit.events);
        for (const task of commit.newTasks) {
          insertTask.run({
            ...task,
            awaitsToken: task.awaitsToken ? 1 : 0,
            activityArn: task.activityArn ?? null,
            heartbeatSeconds: task.heartbeatSeconds ?? null,
          });
        }
        for (const token of commit.consumedTasks) consume.run(token);
        for (const { token, status } of commit.cancelledTasks) cancel.run(status, token);
        setWake.run({ arn: commit.arn, wakeAt: commit.wakeAt ?? null });
        for (const child of commit.childExecutions) startExecution(child);
        for (const token of commit.stopChildrenOf ?? []) {
          stopChild.run(
            "States.Aborted",
            "The parent execution stopped.",
            record.stoppedAt ?? Date.now(),
            token,
          );
        }
        if (commit.parentSettlement) {
          settleTask(
            commit.parentSettlement.token,
            commit.parentSettlement.outcome,
            record.stoppedAt ?? Date.now(),
          );
        }
      }
      return lost;
    }),
    release: (arn: string, fence: number) => {
      release.run(arn, fence);
    },
    recoverLeases: db.transaction(() => {
      forgetExecutionLeases.run();
      // A dispatch task that was running when the process died runs again (at least once).
      forgetTaskLeases.run();
    }),
    nextWakeAt: (): number | undefined => {
      const unleased = (nextUnleased.get() as { at: number | null }).at;
      const leased = (nextLeased.get() as { at: number | null }).at;
      if (unleased === null) return leased ?? undefined;
      return leased === null ? unleased : Math.min(unleased, leased);
    },
  };
}
