/**
 * Leases and group commits: the runtime leases due executions, steps them in memory and
 * commits many of them in one transaction, each fenced by the lease it took. Leases are held
 * in memory (leases.ts explains why): a claim reads, only a commit writes.
 */
import type Database from "better-sqlite3";
import { executionFromRow, taskFromRow } from "../rows/workflows.js";
import type {
  ClaimedExecution,
  ExecutionCommit,
  NewExecution,
  TaskRecord,
} from "../workflows-port.js";
import { historyInserter } from "./history-insert.js";
import { leasesOf } from "./leases.js";
import { statusOutboxQueries } from "./status-outbox.js";
import { redriveAdmission } from "./teams.js";

type Row = Record<string, unknown>;

/** The claim and commit operations of the SQLite store. */
export function claimQueries(
  db: Database.Database,
  startExecution: (execution: ExecutionCommit["childExecutions"][number]) => unknown,
  settleTask: (
    token: string,
    outcome: NonNullable<ExecutionCommit["parentSettlement"]>["outcome"],
    now: number,
  ) => unknown,
) {
  const leases = leasesOf(db);
  const admitRedrive = redriveAdmission(db);
  const outbox = statusOutboxQueries(db);
  // Leased executions are skipped in JavaScript: the query asks for that many more rows.
  const due = db.prepare(
    `SELECT arn FROM executions INDEXED BY executions_running_wake
     WHERE status = 'RUNNING' AND wake_at IS NOT NULL AND wake_at <= ? ORDER BY wake_at LIMIT ?`,
  );
  const byArn = db.prepare("SELECT * FROM executions WHERE arn = ?");
  const progressOf = db.prepare(
    "SELECT status, next_event_id, stop_requested, stop_error, stop_cause FROM executions WHERE arn = ?",
  );
  const stateOf = db.prepare("SELECT state FROM execution_states WHERE execution_id = ?");
  const settled = db.prepare("SELECT * FROM tasks WHERE execution_id = ? AND settled = 1");
  const beats = db.prepare(
    `SELECT token, last_heartbeat_at FROM tasks WHERE execution_id = ? AND status IN ('scheduled', 'started')
       AND heartbeat_seconds IS NOT NULL AND last_heartbeat_at IS NOT NULL`,
  );
  // One write of the execution row per commit, after its tasks are written. A result or stop
  // request that arrived while the execution was leased was not in the claim, and its wake-up
  // (settleTask/requestStop lower wake_at) must survive the commit: writing the commit's wakeAt
  // blindly left such an execution waiting forever. So when unconsumed results or an unapplied
  // stop remain, the earlier of the current wake time and the commit's is kept.
  const update = db.prepare(
    `UPDATE executions SET status = @status, output = @output, error = @error, cause = @cause, stopped_at = @stoppedAt,
       next_event_id = @nextEventId,
       redrive_count = COALESCE(@redriveCount, redrive_count), redriven_at = COALESCE(@redrivenAt, redriven_at),
       stop_requested = CASE WHEN @stopApplied THEN 0 ELSE stop_requested END,
       wake_at = CASE
         WHEN @status = 'RUNNING' AND ((stop_requested = 1 AND NOT @stopApplied)
           OR EXISTS (SELECT 1 FROM tasks WHERE tasks.execution_id = @id AND settled = 1))
         THEN COALESCE(MIN(wake_at, @wakeAt), wake_at, @wakeAt)
         ELSE @wakeAt END
     WHERE id = @id`,
  );
  const appendHistory = historyInserter(db);
  const idOf = db.prepare("SELECT id FROM executions WHERE arn = ?").pluck();
  const saveState = db.prepare("UPDATE execution_states SET state = ? WHERE execution_id = ?");
  const insertTask = db.prepare(
    `INSERT INTO tasks (token, execution_arn, execution_id, frame_id, state_name, resource, kind, awaits_token, parameters,
       idempotency_key, status, activity_arn, created_at, heartbeat_seconds)
     VALUES (@token, @executionArn, @executionId, @frameId, @stateName, @resource, @kind, @awaitsToken, @parameters,
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
  // Leases written by versions that kept them in the file.
  const forgetExecutionLeases = db.prepare(
    "UPDATE executions SET lease_owner = NULL, lease_until = NULL WHERE lease_until IS NOT NULL",
  );
  const forgetTaskLeases = db.prepare(
    "UPDATE tasks SET lease_until = 0 WHERE kind = 'dispatch' AND status = 'started'",
  );
  const earliest = db.prepare(
    `SELECT arn, wake_at AS at FROM executions INDEXED BY executions_running_wake
     WHERE status = 'RUNNING' AND wake_at IS NOT NULL ORDER BY wake_at LIMIT ?`,
  );

  /** Leases the execution of `row` for `owner`, or undefined when someone holds it. */
  function lease(row: Row | undefined, owner: string, now: number, leaseMs: number) {
    if (!row) return undefined;
    const arn = row.arn as string;
    const taken = leases.executions.take(arn, owner, now, leaseMs);
    if (!taken) return undefined;
    try {
      return claimed(row, taken.fence);
    } catch (error) {
      leases.executions.release(arn, taken.fence);
      throw error;
    }
  }

  /** The stop request of an executions row, if one is waiting. */
  function stopRequestOf(row: Row): ClaimedExecution["stopRequest"] {
    if (row.stop_requested !== 1) return undefined;
    const request: NonNullable<ClaimedExecution["stopRequest"]> = {};
    if (row.stop_error !== null) request.error = row.stop_error as string;
    if (row.stop_cause !== null) request.cause = row.stop_cause as string;
    return request;
  }

  function claimed(row: Row, fence: number): ClaimedExecution {
    const claim: ClaimedExecution = {
      record: executionFromRow(row),
      state: (stateOf.get(row.id) as { state: string }).state,
      nextEventId: row.next_event_id as number,
      fence,
      settledTasks: (settled.all(row.id) as Row[]).map(taskFromRow) as TaskRecord[],
      heartbeats: Object.fromEntries(
        (beats.all(row.id) as { token: string; last_heartbeat_at: number }[]).map((b) => [
          b.token,
          b.last_heartbeat_at,
        ]),
      ),
    };
    const stopRequest = stopRequestOf(row);
    if (stopRequest) claim.stopRequest = stopRequest;
    return claim;
  }

  return {
    // Read-only transactions: one consistent view of each execution's row, state and tasks.
    claimExecutions: db.transaction(
      (owner: string, now: number, leaseMs: number, limit: number) => {
        const claims: ClaimedExecution[] = [];
        const skip = leases.executions.activeCount(now);
        for (const { arn } of due.all(now, limit + skip) as { arn: string }[]) {
          if (claims.length === limit) break;
          if (leases.executions.active(arn, now)) continue;
          const claim = lease(byArn.get(arn) as Row | undefined, owner, now, leaseMs);
          if (claim) claims.push(claim);
        }
        return claims;
      },
    ),
    claimStarted(execution: NewExecution, owner: string, now: number, leaseMs: number) {
      const { arn } = execution.record;
      const nextEventId = execution.events.length + 1;
      const row = progressOf.get(arn) as Row | undefined;
      // Committed since it started (its state is no longer the one it started with), or gone.
      if (row?.status !== "RUNNING" || row.next_event_id !== nextEventId) return undefined;
      const taken = leases.executions.take(arn, owner, now, leaseMs);
      if (!taken) return undefined;
      const claim: ClaimedExecution = {
        record: execution.record,
        state: execution.state,
        nextEventId,
        fence: taken.fence,
        settledTasks: [],
        heartbeats: {},
      };
      const stopRequest = stopRequestOf(row);
      if (stopRequest) claim.stopRequest = stopRequest;
      return claim;
    },
    claimExecution: db.transaction((arn: string, owner: string, now: number, leaseMs: number) =>
      lease(byArn.get(arn) as Row | undefined, owner, now, leaseMs),
    ),
    commit: db.transaction((commits: ExecutionCommit[]) => {
      const lost: string[] = [];
      // Leases end only once every commit of the batch is written (an error rolls all back).
      const applied: ExecutionCommit[] = [];
      for (const commit of commits) {
        const { record } = commit;
        if (!leases.executions.holds(commit.arn, commit.fence)) {
          lost.push(commit.arn);
          continue;
        }
        if (commit.takesTeamSlot) admitRedrive(commit.arn);
        // Its status event commits with the status change, or neither does.
        if (commit.statusEvent) outbox.add(commit.statusEvent);
        const id = idOf.get(commit.arn) as number;
        saveState.run(commit.state, id);
        appendHistory(id, commit.events);
        for (const task of commit.newTasks) {
          insertTask.run({
            ...task,
            executionId: id,
            awaitsToken: task.awaitsToken ? 1 : 0,
            activityArn: task.activityArn ?? null,
            heartbeatSeconds: task.heartbeatSeconds ?? null,
          });
        }
        for (const token of commit.consumedTasks) consume.run(token);
        for (const { token, status } of commit.cancelledTasks) cancel.run(status, token);
        // Last: its wake time depends on the results still unconsumed after the lines above.
        update.run({
          id,
          status: record.status,
          output: record.output ?? null,
          error: record.error ?? null,
          cause: record.cause ?? null,
          stoppedAt: record.stoppedAt ?? null,
          nextEventId: commit.nextEventId,
          stopApplied: commit.stopApplied ? 1 : 0,
          redriveCount: record.redriveCount ?? null,
          redrivenAt: record.redrivenAt ?? null,
          wakeAt: commit.wakeAt ?? null,
        });
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
        applied.push(commit);
      }
      for (const commit of applied) {
        leases.executions.release(commit.arn, commit.fence);
        for (const { token } of commit.cancelledTasks) leases.tasks.release(token);
      }
      return lost;
    }),
    release: (arn: string, fence: number) => {
      leases.executions.release(arn, fence);
    },
    recoverLeases: db.transaction(() => {
      leases.executions.clear();
      // A dispatch task that was running when the process died runs again (at least once).
      leases.tasks.clear();
      forgetExecutionLeases.run();
      forgetTaskLeases.run();
    }),
    /** The earliest wake time; a leased execution counts from the end of its lease. */
    nextWakeAt: (): number | undefined => {
      let next: number | undefined;
      // Rows come by wake time: the first unleased one ends the search.
      for (const row of earliest.all(leases.executions.size + 1) as { arn: string; at: number }[]) {
        const lease = leases.executions.get(row.arn);
        const at = lease ? Math.max(row.at, lease.until) : row.at;
        if (next === undefined || at < next) next = at;
        if (!lease) break;
      }
      return next;
    },
  };
}
