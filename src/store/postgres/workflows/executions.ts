/** Executions: start (idempotent by name), read, list, history and stop requests. */
import { StoreConflictError } from "../../errors.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isTimeArnKey, pageOf } from "../../paging.js";
import { executionFromRow, historyFromRow } from "../../rows/workflows.js";
import type {
  ExecutionFilter,
  ExecutionRecord,
  HistoryEventRecord,
  NewExecution,
  WorkflowStore,
} from "../../workflows-port.js";
import type { PostgresDatabase, Sql } from "../database.js";
import { chargeTeam, checkTeamQuotas, lockTeam } from "../teams.js";
import { appendHistory } from "./history.js";
import { addStatusEvent } from "./status-outbox.js";
import { notifyWake } from "./wake.js";

/**
 * Inserts an execution in the caller's transaction: its row (due at once), state, first
 * history events, status event and team charge. An execution of that ARN (the machine's name
 * and the execution's: one name, one ARN) that exists already is returned with `created:
 * false`, nothing written (and nothing checked). Over the team's quota it throws
 * TeamQuotaExceededError before writing anything.
 */
export async function insertExecution(
  tx: Sql,
  execution: NewExecution,
): Promise<{ record: ExecutionRecord; created: boolean }> {
  const { record } = execution;
  const existing = async () => {
    const row = await tx.row("SELECT * FROM executions WHERE arn = $1", [record.arn]);
    return row && { record: executionFromRow(row), created: false };
  };
  const found = await existing();
  if (found) return found;
  const quotas = execution.team && (await lockTeam(tx, execution.team.team));
  if (execution.team && quotas) {
    // Locked, the team's starts on other nodes are done: one may have started this name.
    const startedMeanwhile = await existing();
    if (startedMeanwhile) return startedMeanwhile;
    await checkTeamQuotas(tx, execution.team, quotas, record.startedAt);
  }
  const charged = quotas ? execution.team : undefined;
  // A concurrent insert of the same ARN makes this one wait for it, then do nothing.
  const inserted = await tx.row<{ id: number }>(
    `INSERT INTO executions (arn, state_machine_arn, qualified_arn, name, status, input, definition, role_arn,
       started_at, redrive_count, parent_task_token, next_event_id, wake_at, team)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $9, $13)
     ON CONFLICT (arn) DO NOTHING RETURNING id`,
    [
      record.arn,
      record.stateMachineArn,
      record.qualifiedArn ?? null,
      record.name,
      record.status,
      record.input,
      record.definition,
      record.roleArn,
      record.startedAt,
      record.redriveCount,
      record.parentTaskToken ?? null,
      execution.events.length + 1,
      charged?.team ?? null,
    ],
  );
  if (!inserted) {
    const winner = await existing();
    if (winner) return winner;
    throw new StoreConflictError("not-found", `Execution Does Not Exist: '${record.arn}'`);
  }
  await tx.run("INSERT INTO execution_states (execution_id, state) VALUES ($1, $2)", [
    inserted.id,
    execution.state,
  ]);
  await appendHistory(tx, inserted.id, execution.events);
  if (execution.statusEvent) await addStatusEvent(tx, execution.statusEvent);
  if (charged) await chargeTeam(tx, charged, record.startedAt);
  if (record.status === "RUNNING") await notifyWake(tx);
  return { record, created: true };
}

/** The execution operations of the PostgreSQL workflow store. */
export function executionQueries(
  db: PostgresDatabase,
): Pick<
  WorkflowStore,
  "startExecution" | "getExecution" | "listExecutions" | "getHistory" | "requestStop"
> {
  const get = async (sql: Sql, arn: string) => {
    const row = await sql.row("SELECT * FROM executions WHERE arn = $1", [arn]);
    return row && executionFromRow(row);
  };
  return {
    startExecution: (execution) => db.transaction((tx) => insertExecution(tx, execution)),
    getExecution: (arn) => get(db, arn),
    async listExecutions(
      filter: ExecutionFilter,
      page: PageRequest,
    ): Promise<Page<ExecutionRecord>> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.stateMachineArn) {
        args.push(filter.stateMachineArn);
        where.push(`state_machine_arn = $${args.length}`);
      }
      if (filter.status) {
        args.push(filter.status);
        where.push(`status = $${args.length}`);
      }
      if (page.nextToken) {
        const [time, arn] = decodePageToken(page.nextToken, isTimeArnKey);
        args.push(time, arn);
        where.push(
          `(started_at < $${args.length - 1} OR (started_at = $${args.length - 1} AND arn > $${args.length}))`,
        );
      }
      args.push(page.limit + 1);
      const rows = await db.rows(
        `SELECT * FROM executions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY started_at DESC, arn LIMIT $${args.length}`,
        args,
      );
      return pageOf(rows.map(executionFromRow), page.limit, (last) => [last.startedAt, last.arn]);
    },
    async getHistory(
      arn: string,
      options: { page: PageRequest; reverse: boolean },
    ): Promise<Page<HistoryEventRecord>> {
      const { page, reverse } = options;
      const from = page.nextToken
        ? decodePageToken(page.nextToken, (v): v is number => typeof v === "number")
        : undefined;
      const bound = from ?? (reverse ? Number.MAX_SAFE_INTEGER : 0);
      const rows = await db.rows(
        reverse
          ? `SELECT h.* FROM execution_history h JOIN executions e ON e.id = h.execution_id
             WHERE e.arn = $1 AND h.id < $2 ORDER BY h.id DESC LIMIT $3`
          : `SELECT h.* FROM execution_history h JOIN executions e ON e.id = h.execution_id
             WHERE e.arn = $1 AND h.id > $2 ORDER BY h.id LIMIT $3`,
        [arn, bound, page.limit + 1],
      );
      return pageOf(rows.map(historyFromRow), page.limit, (last) => last.id);
    },
    requestStop: (arn, error, cause, now) =>
      db.transaction(async (tx) => {
        const stopped = await tx.row(
          `UPDATE executions SET stop_requested = TRUE, stop_error = $1, stop_cause = $2, wake_at = $3
           WHERE arn = $4 AND status = 'RUNNING' RETURNING *`,
          [error ?? null, cause ?? null, now, arn],
        );
        if (stopped) {
          await notifyWake(tx);
          return executionFromRow(stopped);
        }
        if (await get(tx, arn))
          throw new StoreConflictError("not-running", `Execution is not running: '${arn}'`);
        throw new StoreConflictError("not-found", `Execution Does Not Exist: '${arn}'`);
      }),
  };
}
