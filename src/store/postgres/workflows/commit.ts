/**
 * The commit of execution passes: everything a batch of passes changes, in one transaction.
 * Each execution row is locked first (in id order, so two batches never wait on each other
 * in a cycle) and its fence compared with the one the pass was claimed with: a pass whose
 * lease was taken over by another node since is refused, and nothing of it is applied.
 */
import type { ExecutionCommit, WorkflowStore } from "../../workflows-port.js";
import type { PostgresDatabase, Sql } from "../database.js";
import { admitRedrive } from "../teams.js";
import { insertExecution } from "./executions.js";
import { appendHistory } from "./history.js";
import { addStatusEvent } from "./status-outbox.js";
import { settleTaskIn } from "./tasks.js";
import { notifyWake } from "./wake.js";

async function insertTasks(tx: Sql, executionId: number, commit: ExecutionCommit): Promise<void> {
  if (commit.newTasks.length === 0) return;
  const column = <T>(pick: (task: ExecutionCommit["newTasks"][number]) => T) =>
    commit.newTasks.map(pick);
  await tx.run(
    `INSERT INTO tasks (execution_id, token, execution_arn, frame_id, state_name, resource, kind, awaits_token,
       parameters, idempotency_key, status, activity_arn, created_at, heartbeat_seconds)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
       $8::boolean[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[], $14::bigint[])`,
    [
      executionId,
      column((task) => task.token),
      column((task) => task.executionArn),
      column((task) => task.frameId),
      column((task) => task.stateName),
      column((task) => task.resource),
      column((task) => task.kind),
      column((task) => task.awaitsToken),
      column((task) => task.parameters),
      column((task) => task.idempotencyKey),
      column((task) => task.status),
      column((task) => task.activityArn ?? null),
      column((task) => task.createdAt),
      column((task) => task.heartbeatSeconds ?? null),
    ],
  );
}

/**
 * Writes the execution row, last: its wake time depends on the results still unconsumed. A
 * result or stop request that arrived while the execution was leased was not in the claim,
 * and its wake-up (settleTask/requestStop lower wake_at) must survive the commit: so when
 * unconsumed results or an unapplied stop remain, the earlier of the current wake time and
 * the commit's is kept. The lease ends with it. Returns the new wake time.
 */
async function updateExecution(
  tx: Sql,
  executionId: number,
  commit: ExecutionCommit,
): Promise<number | null> {
  const { record } = commit;
  const row = await tx.row<{ wake_at: number | null }>(
    `UPDATE executions SET status = $2, output = $3, error = $4, cause = $5, stopped_at = $6,
       next_event_id = $7,
       redrive_count = COALESCE($8::bigint, redrive_count), redriven_at = COALESCE($9::bigint, redriven_at),
       stop_requested = CASE WHEN $10::boolean THEN FALSE ELSE stop_requested END,
       wake_at = CASE
         WHEN $2 = 'RUNNING' AND ((stop_requested AND NOT $10::boolean)
           OR EXISTS (SELECT 1 FROM tasks WHERE tasks.execution_id = $1 AND settled))
         THEN LEAST(wake_at, $11::bigint)
         ELSE $11::bigint END,
       lease_owner = NULL, lease_until = NULL
     WHERE id = $1 RETURNING wake_at`,
    [
      executionId,
      record.status,
      record.output ?? null,
      record.error ?? null,
      record.cause ?? null,
      record.stoppedAt ?? null,
      commit.nextEventId,
      record.redriveCount ?? null,
      record.redrivenAt ?? null,
      commit.stopApplied === true,
      commit.wakeAt ?? null,
    ],
  );
  return row?.wake_at ?? null;
}

/** Applies one pass whose fence holds, in the batch's transaction. */
async function apply(tx: Sql, executionId: number, commit: ExecutionCommit): Promise<boolean> {
  const { record } = commit;
  if (commit.takesTeamSlot) await admitRedrive(tx, commit.arn);
  // Its status event commits with the status change, or neither does.
  if (commit.statusEvent) await addStatusEvent(tx, commit.statusEvent);
  await tx.run("UPDATE execution_states SET state = $2 WHERE execution_id = $1", [
    executionId,
    commit.state,
  ]);
  await appendHistory(tx, executionId, commit.events);
  await insertTasks(tx, executionId, commit);
  if (commit.consumedTasks.length > 0)
    await tx.run("UPDATE tasks SET settled = FALSE WHERE token = ANY($1::text[])", [
      commit.consumedTasks,
    ]);
  for (const { token, status } of commit.cancelledTasks) {
    await tx.run(
      `UPDATE tasks SET status = $2, settled = FALSE, lease_owner = NULL, lease_until = NULL
       WHERE token = $1 AND status IN ('scheduled', 'started')`,
      [token, status],
    );
  }
  const wakeAt = await updateExecution(tx, executionId, commit);
  for (const child of commit.childExecutions) await insertExecution(tx, child);
  const now = record.stoppedAt ?? Date.now();
  let due = record.status === "RUNNING" && wakeAt !== null && wakeAt <= Date.now();
  for (const token of commit.stopChildrenOf ?? []) {
    const stopped = await tx.run(
      `UPDATE executions SET stop_requested = TRUE, stop_error = $1, stop_cause = $2, wake_at = $3
       WHERE parent_task_token = $4 AND status = 'RUNNING'`,
      ["States.Aborted", "The parent execution stopped.", now, token],
    );
    if (stopped > 0) due = true;
  }
  if (commit.parentSettlement) {
    await settleTaskIn(tx, commit.parentSettlement.token, commit.parentSettlement.outcome, now);
  }
  return due;
}

/** The commit of the PostgreSQL workflow store. */
export function commitQueries(db: PostgresDatabase): Pick<WorkflowStore, "commit"> {
  return {
    commit: (commits) =>
      db.transaction(async (tx) => {
        if (commits.length === 0) return [];
        const held = new Map(
          (
            await tx.rows<{ id: number; arn: string; fence: number }>(
              "SELECT id, arn, fence FROM executions WHERE arn = ANY($1::text[]) ORDER BY id FOR UPDATE",
              [commits.map((commit) => commit.arn)],
            )
          ).map((row) => [row.arn, row]),
        );
        const lost: string[] = [];
        let due = false;
        for (const commit of commits) {
          const row = held.get(commit.arn);
          if (row?.fence !== commit.fence) {
            lost.push(commit.arn);
            continue;
          }
          if (await apply(tx, row.id, commit)) due = true;
        }
        if (due) await notifyWake(tx);
        return lost;
      }),
  };
}
